//! Liveness, readiness and Prometheus metrics.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::Data;
use poem::{handler, IntoResponse, Response};

use super::AppState;

/// The process is up.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// The database answers.
#[handler]
pub async fn readyz(state: Data<&Arc<AppState>>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            "database unreachable"
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
                .into_response()
        }
    }
}

/// Operations, refusals, statements and the pool, in the Prometheus
/// text format.
#[handler]
pub fn metrics(state: Data<&Arc<AppState>>) -> Response {
    state
        .telemetry
        .render()
        .with_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .into_response()
}
