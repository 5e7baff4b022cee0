//! HTTP: the poem routes and their middleware. `/graphql` (GET and POST),
//! subscriptions over WebSocket at `/graphql/ws`, the API explorer at `/`,
//! the dashboards at `/dashboards/`, researchers' exports at `/export/…`,
//! `/healthz`, `/readyz` and `/metrics`.

mod admission;
mod assets;
mod auth;
mod dashboards;
mod explorer;
mod export;
mod graphql;
mod health;
mod subscriptions;
mod telemetry;

use std::sync::Arc;

use poem::middleware::{RequestId, ReuseId, Tracing};
use poem::{get, Endpoint, EndpointExt, Route};

use crate::config::ServerSettings;
use crate::graphql::{build_schemas, Schemas};
use crate::store::Store;
use admission::Admission;
use telemetry::Telemetry;

/// What every handler can reach.
pub struct AppState {
    pub schemas: Schemas,
    pub store: Store,
    pub settings: ServerSettings,
    pub admission: Admission,
    pub telemetry: Telemetry,
}

impl AppState {
    pub fn new(store: Store, settings: ServerSettings) -> Self {
        Self {
            schemas: build_schemas(&settings),
            admission: Admission::new(
                &settings.requests_per_minute,
                &settings.concurrent_requests_per_key,
            ),
            telemetry: Telemetry::new(store.clone()),
            store,
            settings,
        }
    }
}

pub fn routes(state: Arc<AppState>) -> impl Endpoint {
    Route::new()
        .at("/", get(explorer::index))
        .at("/explorer/explorer.js", get(explorer::script))
        .at("/explorer/explorer.css", get(explorer::style))
        .at("/dashboards", get(dashboards::home))
        .at("/dashboards/*path", get(dashboards::file))
        .at("/export/analytics.csv", get(export::as_csv))
        .at("/export/analytics.parquet", get(export::as_parquet))
        .at("/graphql", get(graphql::get).post(graphql::post))
        .at("/graphql/ws", get(subscriptions::endpoint))
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(health::metrics))
        .data(state)
        .with(Tracing)
        .with(RequestId::default().reuse_id(ReuseId::Use))
}
