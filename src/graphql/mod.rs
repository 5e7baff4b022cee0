//! The GraphQL schema: queries, mutations, types, loaders, errors. Only this
//! module knows async-graphql.

mod batching;
pub mod connection;
pub mod context;
pub mod enums;
pub mod error;
pub mod ids;
pub mod inputs;
pub mod loaders;
pub mod metrics;
pub mod mutation;
pub mod node;
pub mod query;
pub mod scalars;
pub mod search;
pub mod subscription;
pub mod types;

use std::time::Duration;

use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, BatchResponse, Request, Response, Schema, SchemaBuilder};
use chrono::Utc;
use futures_util::future::BoxFuture;

use crate::config::ServerSettings;
use crate::domain::access::Principal;
use crate::store::Store;
use context::{RequestContext, ResolverSettings};
use loaders::StoreLoader;
use mutation::MutationRoot;
use query::QueryRoot;
use subscription::{EventBus, SubscriptionRoot};

pub type HeadroomSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Recursion limit for the parser, against deeply nested input values.
const MAX_RECURSIVE_DEPTH: usize = 32;

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The schema with its safe limits: depth, complexity (a connection costs
/// `first` × its selection), recursion; no field suggestions outside
/// development.
pub fn build_schema(store: Store, settings: &ServerSettings) -> HeadroomSchema {
    let mut b = builder()
        .data(store)
        .data(EventBus::default())
        .data(ResolverSettings {
            stale_after_days: settings.stale_after_days,
            default_hourly_rate_pence: settings.default_hourly_rate_pence,
        })
        .limit_depth(settings.max_depth)
        .limit_complexity(settings.max_complexity)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH);
    if !settings.development {
        b = b.disable_suggestions();
    }
    b.finish()
}

/// The SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// The schema as the WebSocket endpoint runs it: every error leaves with
/// a code, as it does over HTTP.
#[derive(Clone)]
pub struct CodedSchema(pub HeadroomSchema);

impl async_graphql::Executor for CodedSchema {
    async fn execute(&self, request: Request) -> Response {
        let mut response = self.0.execute(request).await;
        error::add_codes(&mut response);
        response
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<std::sync::Arc<async_graphql::Data>>,
    ) -> futures_util::stream::BoxStream<'static, Response> {
        use futures_util::StreamExt;
        async_graphql::Executor::execute_stream(&self.0, request, session_data)
            .map(|mut response| {
                error::add_codes(&mut response);
                response
            })
            .boxed()
    }
}

/// What a WebSocket connection's operations run with: its caller, and a
/// DataLoader that lives as long as the connection.
pub fn session_data(store: Store, principal: Principal) -> async_graphql::Data {
    let today = Utc::now().date_naive();
    let loader = DataLoader::new(
        StoreLoader::new(store, today, principal.referral_scope()),
        tokio::spawn,
    );
    let mut data = async_graphql::Data::default();
    data.insert(RequestContext {
        principal,
        today,
        loader,
    });
    data
}

/// Runs a request (or a batch, in order) as `principal`, each operation with
/// its own DataLoader and within the time limit. Every error leaves with a
/// code.
pub async fn execute(
    schema: &HeadroomSchema,
    store: &Store,
    principal: &Principal,
    batch: BatchRequest,
    timeout: Duration,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(req) => {
            BatchResponse::Single(execute_one(schema, store, principal, req, timeout).await)
        }
        BatchRequest::Batch(reqs) => {
            let mut out = Vec::with_capacity(reqs.len());
            for req in reqs {
                out.push(execute_one(schema, store, principal, req, timeout).await);
            }
            BatchResponse::Batch(out)
        }
    }
}

async fn execute_one(
    schema: &HeadroomSchema,
    store: &Store,
    principal: &Principal,
    req: Request,
    timeout: Duration,
) -> Response {
    let today = Utc::now().date_naive();
    let (spawn, spawned) = tokio::sync::mpsc::unbounded_channel::<BoxFuture<'static, ()>>();
    let loader = DataLoader::new(
        StoreLoader::new(store.clone(), today, principal.referral_scope()),
        move |task| {
            // The receiver lives as long as the request; a send can only
            // fail once the response is complete, when no batch is wanted.
            let _ = spawn.send(task);
        },
    )
    // Batches wait for an idle execution (see `with_batches`), not a timer.
    .delay(Duration::ZERO);
    let req = req.data(RequestContext {
        principal: principal.clone(),
        today,
        loader,
    });
    let run = batching::with_batches(schema.execute(req), spawned);
    let mut response = match tokio::time::timeout(timeout, run).await {
        Ok(response) => response,
        Err(_) => {
            let err = crate::error::AppError::Timeout(timeout.as_secs());
            return error::refusal(err.code(), err.to_string());
        }
    };
    error::add_codes(&mut response);
    response
}
