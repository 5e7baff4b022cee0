//! HTTP: the poem routes and their middleware. `/graphql` (GET and POST),
//! subscriptions over WebSocket at `/graphql/ws`,
//! GraphiQL at `/`, `/healthz`, `/readyz` and `/metrics`.

mod auth;
mod explorer;
mod graphql;
mod health;
mod subscriptions;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use poem::middleware::{RequestId, ReuseId, SizeLimit, Tracing};
use poem::{get, Endpoint, EndpointExt, Route};

use crate::config::ServerSettings;
use crate::graphql::HeadroomSchema;
use crate::store::Store;

/// What every handler can reach.
pub struct AppState {
    pub schema: HeadroomSchema,
    pub store: Store,
    pub settings: ServerSettings,
    pub graphql_requests: AtomicU64,
}

pub fn routes(state: Arc<AppState>) -> impl Endpoint {
    let body_limit = state.settings.body_limit_bytes;
    Route::new()
        .at("/", get(explorer::index))
        .at("/explorer/explorer.js", get(explorer::script))
        .at("/explorer/explorer.css", get(explorer::style))
        .at(
            "/graphql",
            get(graphql::endpoint).post(graphql::endpoint.with(SizeLimit::new(body_limit))),
        )
        .at("/graphql/ws", get(subscriptions::endpoint))
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        .data(state)
        .with(Tracing)
        .with(RequestId::default().reuse_id(ReuseId::Use))
}
