//! The GraphQL endpoint, after the GraphQL-over-HTTP specification:
//!
//! - GET runs queries only; a mutation by GET is 405, so a link or an image
//!   on another site can never change anything;
//! - POST takes `application/json` only; any other body (a form, plain
//!   text: what another site can send without asking) is 415;
//! - `Accept: application/graphql-response+json` gets that media type and
//!   the specification's status codes (4xx, and no `data`, when the request
//!   failed before it ran); `application/json` gets 200 with the errors in
//!   the body, as before that media type existed.
//!
//! Every request is admitted per key (see `admission`) before any work.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{BatchRequest, BatchResponse, Response as GqlResponse, Value};
use poem::http::{header, HeaderMap, StatusCode};
use poem::web::Data;
use poem::{handler, Body, IntoResponse, Request, Response};

use super::auth::authenticate;
use super::telemetry::Refusal;
use super::AppState;
use crate::error::AppError;
use crate::graphql::{self as gql, OperationKind};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type the client reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn of(headers: &HeaderMap) -> Self {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.contains(GRAPHQL_RESPONSE) {
            Media::GraphqlResponse
        } else {
            Media::Json
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json",
        }
    }
}

/// The HTTP status for a whole-request error code.
fn status_of(code: &str) -> StatusCode {
    match code {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        "TIMEOUT" => StatusCode::GATEWAY_TIMEOUT,
        "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A refusal before anything ran, with its status whatever the media type.
fn refuse(media: Media, status: StatusCode, err: &AppError) -> Response {
    let mut response = gql::error::refusal(err.code(), err.to_string());
    if let AppError::RateLimited { retry_after_secs } = err {
        if let Some(e) = response.errors.first_mut() {
            e.extensions
                .get_or_insert_with(Default::default)
                .set("retryAfterSeconds", *retry_after_secs);
        }
    }
    let mut out = body(media, &response, true)
        .with_status(status)
        .into_response();
    if let AppError::RateLimited { retry_after_secs } = err {
        out.headers_mut()
            .insert(header::RETRY_AFTER, (*retry_after_secs).into());
    }
    out
}

/// A failure the request itself caused (BAD_USER_INPUT), with `status`.
fn bad_request(media: Media, status: StatusCode, message: String) -> Response {
    refuse(
        media,
        status,
        &AppError::BadUserInput(crate::domain::Invalid::new("request", message)),
    )
}

/// Whether the request failed before execution: no data, and no error
/// that belongs to a field.
fn failed_before_running(r: &GqlResponse) -> bool {
    r.data == Value::Null && !r.errors.is_empty() && r.errors.iter().all(|e| e.path.is_empty())
}

fn body(media: Media, response: &GqlResponse, without_data: bool) -> Response {
    let mut json = serde_json::to_value(response).unwrap_or_default();
    if without_data && media == Media::GraphqlResponse {
        if let Some(map) = json.as_object_mut() {
            map.remove("data");
        }
    }
    Response::builder()
        .content_type(media.content_type())
        .body(json.to_string())
}

fn answer(media: Media, response: &BatchResponse) -> Response {
    match response {
        BatchResponse::Single(r) => {
            let failed = failed_before_running(r);
            let status = match (media, failed) {
                (Media::GraphqlResponse, true) => status_of(
                    r.errors[0]
                        .extensions
                        .as_ref()
                        .map_or("", |e| match e.get("code") {
                            Some(Value::String(c)) => c.as_str(),
                            _ => "",
                        }),
                ),
                _ => StatusCode::OK,
            };
            body(media, r, failed).with_status(status).into_response()
        }
        BatchResponse::Batch(_) => Response::builder()
            .content_type(media.content_type())
            .body(serde_json::to_string(response).unwrap_or_default()),
    }
}

/// `GET /graphql?query=…`: queries only.
#[handler]
pub async fn get(req: &Request, state: Data<&Arc<AppState>>) -> Response {
    let media = Media::of(req.headers());
    let request = match async_graphql::http::parse_query_string(req.uri().query().unwrap_or("")) {
        Ok(r) => r,
        Err(e) => {
            return bad_request(
                media,
                StatusCode::BAD_REQUEST,
                format!("the query string is not a GraphQL request: {e}"),
            )
        }
    };
    serve(
        &state,
        req.headers(),
        media,
        BatchRequest::Single(request),
        true,
    )
    .await
}

/// `POST /graphql` with a JSON body: one operation or a batch.
#[handler]
pub async fn post(req: &Request, body: Body, state: Data<&Arc<AppState>>) -> Response {
    let media = Media::of(req.headers());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != JSON {
        state.telemetry.refused(Refusal::MediaType);
        return bad_request(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("send the request as {JSON}; got '{content_type}'"),
        );
    }
    let limit = state.settings.body_limit_bytes;
    let bytes = match body.into_bytes_limit(limit).await {
        Ok(b) => b,
        Err(_) => {
            state.telemetry.refused(Refusal::BodySize);
            return bad_request(
                media,
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes"),
            );
        }
    };
    let batch: BatchRequest = match serde_json::from_slice(&bytes) {
        Ok(b) => b,
        Err(e) => {
            return bad_request(
                media,
                StatusCode::BAD_REQUEST,
                format!("the body is not a GraphQL request: {e}"),
            )
        }
    };
    serve(&state, req.headers(), media, batch, false).await
}

async fn serve(
    state: &AppState,
    headers: &HeaderMap,
    media: Media,
    mut batch: BatchRequest,
    by_get: bool,
) -> Response {
    let max = state.settings.max_batch;
    if let BatchRequest::Batch(reqs) = &batch {
        if reqs.len() > max {
            return bad_request(
                media,
                StatusCode::BAD_REQUEST,
                format!(
                    "a batch may hold at most {max} operations; this one has {}",
                    reqs.len()
                ),
            );
        }
    }
    if by_get {
        let mutation = batch
            .iter_mut()
            .any(|r| gql::operation_kind(r).is_some_and(|(k, _)| k != OperationKind::Query));
        if mutation {
            state.telemetry.refused(Refusal::Method);
            let mut out = bad_request(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                "GET runs queries only; send a mutation by POST".into(),
            );
            out.headers_mut()
                .insert(header::ALLOW, "POST".parse().expect("a valid header"));
            return out;
        }
    }
    let principal = match authenticate(&state.store, headers).await {
        Ok(p) => p,
        Err(e) => return refuse(media, status_of(e.code()), &e),
    };
    if let Err(e) = state.admission.take_token(&principal) {
        state.telemetry.refused(Refusal::Rate);
        return refuse(media, StatusCode::TOO_MANY_REQUESTS, &e);
    }
    let _in_flight = match state.admission.enter(&principal).await {
        Ok(permit) => permit,
        Err(e) => {
            state.telemetry.refused(Refusal::Concurrency);
            return refuse(media, StatusCode::TOO_MANY_REQUESTS, &e);
        }
    };
    let names: Vec<Option<String>> = batch.iter_mut().map(gql::operation_name).collect();
    let started = Instant::now();
    let response = gql::execute(
        &state.schemas,
        &state.store,
        &principal,
        batch,
        &gql::Limits::of(&state.settings),
    )
    .await;
    record(state, &names, &response, started);
    answer(media, &response)
}

/// Each operation's outcome and time, for `/metrics`.
fn record(state: &AppState, names: &[Option<String>], response: &BatchResponse, started: Instant) {
    let took = started.elapsed();
    let responses: Vec<&GqlResponse> = match response {
        BatchResponse::Single(r) => vec![r],
        BatchResponse::Batch(rs) => rs.iter().collect(),
    };
    for (name, r) in names.iter().zip(responses) {
        let code = r.errors.first().map_or("ok", |e| {
            match e.extensions.as_ref().and_then(|x| x.get("code")) {
                Some(Value::String(c)) => c.as_str(),
                _ => "UNKNOWN",
            }
        });
        let why = match code {
            "RESPONSE_TOO_LARGE" => Some(Refusal::ResponseSize),
            "TIMEOUT" => Some(Refusal::Timeout),
            _ if r.errors.iter().any(|e| {
                e.message.contains("too complex") || e.message.contains("nested too deep")
            }) =>
            {
                Some(Refusal::Cost)
            }
            _ => None,
        };
        if let Some(why) = why {
            state.telemetry.refused(why);
        }
        state.telemetry.operation(name.as_deref(), code, took);
    }
}
