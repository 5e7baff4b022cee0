//! Liveness, readiness and Prometheus metrics.

use std::sync::atomic::Ordering;
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

/// Counters in the Prometheus text format.
#[handler]
pub fn metrics(state: Data<&Arc<AppState>>) -> Response {
    let body = format!(
        "# HELP headroom_graphql_requests_total GraphQL HTTP requests received.\n\
         # TYPE headroom_graphql_requests_total counter\n\
         headroom_graphql_requests_total {}\n\
         # HELP headroom_db_statements_total SQL statements sent to the database.\n\
         # TYPE headroom_db_statements_total counter\n\
         headroom_db_statements_total {}\n",
        state.graphql_requests.load(Ordering::Relaxed),
        state.store.statements_executed(),
    );
    body.with_content_type("text/plain; version=0.0.4")
        .into_response()
}
