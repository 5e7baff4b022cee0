//! The GraphQL schema: queries, mutations, types, loaders, errors. Only this
//! module knows async-graphql.

pub mod analytics;
mod batching;
pub mod budget;
pub mod connection;
pub mod context;
pub mod cost;
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
pub mod scenarios;
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
use budget::Budget;
use context::{RequestContext, ResolverSettings};
use loaders::StoreLoader;
use mutation::MutationRoot;
use query::QueryRoot;
use subscription::{EventBus, SubscriptionRoot};

pub type HeadroomSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Recursion limit for the parser, against deeply nested input values.
const MAX_RECURSIVE_DEPTH: usize = 32;

/// Depth limit for operations that only introspect. The standard
/// introspection query (GraphiQL's, codegen's) nests `ofType` seven deep
/// under `__schema { types { fields { type` : 14 levels.
const INTROSPECTION_MAX_DEPTH: usize = 20;

pub(crate) fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
}

/// The schemas a request can run on: the API with its limits, and, unless
/// introspection is switched off, one that answers introspection only,
/// with a depth limit the standard introspection query fits. An operation
/// that asks for nothing but `__schema`, `__type` or `__typename` runs on
/// the second; any other runs on the first, at the ordinary depth.
#[derive(Clone)]
pub struct Schemas {
    pub api: HeadroomSchema,
    pub introspection: Option<HeadroomSchema>,
}

/// The schemas with their safe limits: depth, complexity (see `cost`),
/// recursion, the answer's size and time (see `budget`); no field
/// suggestions outside development.
pub fn build_schemas(settings: &ServerSettings) -> Schemas {
    let limited = |depth: usize| {
        let b = builder()
            .data(EventBus::default())
            .data(ResolverSettings {
                stale_after_days: settings.stale_after_days,
                default_hourly_rate_pence: settings.default_hourly_rate_pence,
                max_analytics_figures: settings.max_analytics_figures,
            })
            .extension(budget::Enforce)
            .limit_depth(depth)
            .limit_complexity(settings.max_complexity)
            .limit_recursive_depth(MAX_RECURSIVE_DEPTH);
        if settings.development {
            b
        } else {
            b.disable_suggestions()
        }
    };
    let mut api = limited(settings.max_depth);
    if !settings.introspection {
        api = api.disable_introspection();
    }
    let api = api.finish();
    let introspection = settings.introspection.then(|| {
        limited(INTROSPECTION_MAX_DEPTH)
            .introspection_only()
            .finish()
    });
    Schemas { api, introspection }
}

/// What an operation does, read from its document before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
}

/// An operation's kind, and whether it asks for introspection only; None
/// when the document does not parse or names no single operation (running
/// it reports why).
pub fn operation_kind(req: &mut Request) -> Option<(OperationKind, bool)> {
    use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
    let name = req.operation_name.clone();
    let doc = req.parsed_query().ok()?;
    let op = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name.as_str())?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        _ => return None,
    };
    let kind = match op.node.ty {
        OperationType::Query => OperationKind::Query,
        OperationType::Mutation => OperationKind::Mutation,
        OperationType::Subscription => OperationKind::Subscription,
    };
    let introspection_only = kind == OperationKind::Query
        && op
            .node
            .selection_set
            .node
            .items
            .iter()
            .all(|s| match &s.node {
                Selection::Field(f) => f.node.name.node.starts_with("__"),
                _ => false,
            });
    Some((kind, introspection_only))
}

/// The operation's name: the one the request names, else the name its
/// document gives its only operation.
pub fn operation_name(req: &mut Request) -> Option<String> {
    use async_graphql::parser::types::DocumentOperations;
    if req.operation_name.is_some() {
        return req.operation_name.clone();
    }
    match &req.parsed_query().ok()?.operations {
        DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(|n| n.to_string())
        }
        _ => None,
    }
}

/// What bounds one request's execution.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub max_response_bytes: usize,
    pub connections_per_request: usize,
}

impl Limits {
    pub fn of(settings: &ServerSettings) -> Self {
        Self {
            timeout: settings.request_timeout,
            max_response_bytes: settings.max_response_bytes,
            connections_per_request: settings.connections_per_request,
        }
    }
}

/// The SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    builder().finish().sdl()
}

/// Decides whether a WebSocket operation may run: its key still live,
/// within its rate. Supplied by the HTTP layer, which knows the key.
pub trait Admit: Clone + Send + Sync + Unpin + 'static {
    fn admit(&self) -> BoxFuture<'static, Result<(), crate::error::AppError>>;
}

/// The schema as the WebSocket endpoint runs it: each operation is first
/// admitted, a query or mutation runs within its budget, and every error
/// leaves with a code, as it does over HTTP.
#[derive(Clone)]
pub struct SocketExecutor<A> {
    pub schema: HeadroomSchema,
    pub limits: Limits,
    pub admit: A,
}

impl<A: Admit> async_graphql::Executor for SocketExecutor<A> {
    async fn execute(&self, request: Request) -> Response {
        use futures_util::StreamExt;
        let mut stream = self.execute_stream(request, None);
        stream.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<std::sync::Arc<async_graphql::Data>>,
    ) -> futures_util::stream::BoxStream<'static, Response> {
        use futures_util::{stream, StreamExt};
        // A subscription lives on; its events are not one answer.
        if !matches!(
            operation_kind(&mut request),
            Some((OperationKind::Subscription, _))
        ) {
            request = request.data(Budget::new(
                self.limits.max_response_bytes,
                self.limits.timeout,
            ));
        }
        let schema = self.schema.clone();
        let admission = self.admit.admit();
        let mut request = Some(request);
        stream::once(admission)
            .flat_map(move |admitted| match (admitted, request.take()) {
                (Ok(()), Some(request)) => {
                    async_graphql::Executor::execute_stream(&schema, request, session_data.clone())
                }
                (Ok(()), None) => stream::empty().boxed(),
                (Err(e), _) => {
                    stream::once(async move { error::refusal(e.code(), e.to_string()) }).boxed()
                }
            })
            .map(|mut response| {
                error::add_codes(&mut response);
                response
            })
            .boxed()
    }
}

/// What a WebSocket connection's operations run with: its caller, its
/// own lanes to the database, and a DataLoader that lives as long as the
/// connection.
pub fn session_data(store: &Store, principal: Principal, limits: &Limits) -> async_graphql::Data {
    let today = Utc::now().date_naive();
    let store = store.for_request(limits.connections_per_request);
    let loader = DataLoader::new(
        StoreLoader::new(store.clone(), today, principal.referral_scope()),
        tokio::spawn,
    );
    let mut data = async_graphql::Data::default();
    data.insert(RequestContext {
        principal,
        today,
        loader,
        store,
    });
    data
}

/// Runs a request (or a batch, in order) as `principal`, each operation with
/// its own DataLoader and budget, all of them through one set of lanes to
/// the database. Every error leaves with a code.
pub async fn execute(
    schemas: &Schemas,
    store: &Store,
    principal: &Principal,
    batch: BatchRequest,
    limits: &Limits,
) -> BatchResponse {
    let store = store.for_request(limits.connections_per_request);
    match batch {
        BatchRequest::Single(req) => {
            BatchResponse::Single(execute_one(schemas, &store, principal, req, limits).await)
        }
        BatchRequest::Batch(reqs) => {
            let mut out = Vec::with_capacity(reqs.len());
            for req in reqs {
                out.push(execute_one(schemas, &store, principal, req, limits).await);
            }
            BatchResponse::Batch(out)
        }
    }
}

async fn execute_one(
    schemas: &Schemas,
    store: &Store,
    principal: &Principal,
    mut req: Request,
    limits: &Limits,
) -> Response {
    let schema = match (operation_kind(&mut req), &schemas.introspection) {
        (Some((_, true)), Some(introspection)) => introspection,
        _ => &schemas.api,
    };
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
    let budget = Budget::new(limits.max_response_bytes, limits.timeout);
    let req = req.data(budget.clone()).data(RequestContext {
        principal: principal.clone(),
        today,
        loader,
        store: store.clone(),
    });
    let run = batching::with_batches(schema.execute(req), spawned);
    let timed = tokio::time::timeout(limits.timeout, run).await;
    // A stopped operation's partial answer is dropped, never sent.
    let mut response = match (timed, budget.overrun()) {
        (Ok(response), None) => response,
        (Ok(_), Some(err)) => return error::refusal(err.code(), err.to_string()),
        (Err(_), _) => {
            let err = crate::error::AppError::Timeout(limits.timeout.as_secs());
            return error::refusal(err.code(), err.to_string());
        }
    };
    error::add_codes(&mut response);
    response
}
