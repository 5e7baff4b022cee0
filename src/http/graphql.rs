//! The GraphQL endpoint and the GraphiQL page.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::BatchResponse;
use async_graphql_poem::{GraphQLBatchRequest, GraphQLBatchResponse};
use poem::http::StatusCode;
use poem::web::{Data, Html};
use poem::{handler, IntoResponse, Request, Response};

use super::auth::authenticate;
use super::AppState;
use crate::graphql::{self as gql, error::refusal};

#[handler]
pub fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Headroom")
            .finish(),
    )
}

fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    GraphQLBatchResponse(BatchResponse::Single(refusal(code, message)))
        .into_response()
        .with_status(status)
        .into_response()
}

#[handler]
pub async fn endpoint(
    req: &Request,
    state: Data<&Arc<AppState>>,
    batch: poem::Result<GraphQLBatchRequest>,
) -> Response {
    state.graphql_requests.fetch_add(1, Ordering::Relaxed);
    let principal = match authenticate(&state.store, req.headers()).await {
        Ok(p) => p,
        Err(e) => {
            let status = match e.code() {
                "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
                "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            return refuse(status, e.code(), e.to_string());
        }
    };
    let batch = match batch {
        Ok(GraphQLBatchRequest(batch)) => batch,
        Err(e) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                format!("the request is not a GraphQL request: {e}"),
            )
        }
    };
    let max = state.settings.max_batch;
    if let async_graphql::BatchRequest::Batch(reqs) = &batch {
        if reqs.len() > max {
            return refuse(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                format!(
                    "a batch may hold at most {max} operations; this one has {}",
                    reqs.len()
                ),
            );
        }
    }
    let response = gql::execute(
        &state.schema,
        &state.store,
        &principal,
        batch,
        state.settings.request_timeout,
    )
    .await;
    GraphQLBatchResponse(response).into_response()
}
