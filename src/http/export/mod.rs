//! `GET /export/analytics.csv` and `GET /export/analytics.parquet`: a
//! researcher's question (the same as `analytics` in GraphQL) as a file,
//! with the key in the `Authorization` header and the question in the
//! query string:
//!
//! ```text
//! /export/analytics.csv?measures=declined_for_capability&dimensions=month,preferred_language,pcn
//!     &from=2025-12-01&to=2026-12-01&filter.age_band=65_74,75_84,85_plus
//! ```
//!
//! Codes are the catalogue's, in lower case. The same checks, limits,
//! disclosure control and audit trail as GraphQL; an error is JSON with
//! its code, as GraphQL's are.

mod files;

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use futures_util::stream;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{handler, Body, Request, Response};
use serde_json::json;

use super::auth::authenticate;
use super::AppState;
use crate::app::analytics::{self as app, Answer, Asked, Channel};
use crate::app::Context;
use crate::domain::analytics::{Dimension, Filter, Measure, Question};
use crate::domain::metrics::Window;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};

fn list<T>(field: &str, raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, Invalid> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|code| {
            parse(code)
                .ok_or_else(|| Invalid::new(field, format!("{code:?} is not in the catalogue")))
        })
        .collect()
}

fn day(field: &str, raw: Option<&String>) -> Result<NaiveDate, Invalid> {
    let raw = raw.ok_or_else(|| Invalid::new(field, "is required (YYYY-MM-DD)"))?;
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, format!("{raw:?} is not a day (YYYY-MM-DD)")))
}

/// The question the query string asks.
fn question(pairs: &[(String, String)]) -> Result<Question, Invalid> {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let measures = list(
        "measures",
        get("measures").map_or("", String::as_str),
        Measure::parse,
    )?;
    let dimensions = list(
        "dimensions",
        get("dimensions").map_or("", String::as_str),
        Dimension::parse,
    )?;
    let mut filters = Vec::new();
    for (key, value) in pairs {
        if let Some(name) = key.strip_prefix("filter.") {
            let dimension = Dimension::parse(name)
                .ok_or_else(|| Invalid::new("filters", format!("{name:?} is not a dimension")))?;
            let values = value
                .split(',')
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            filters.push(Filter { dimension, values });
        } else if !matches!(key.as_str(), "measures" | "dimensions" | "from" | "to") {
            return Err(Invalid::new(key, "is not a parameter of this export"));
        }
    }
    let window = Window::parse(day("from", get("from"))?, day("to", get("to"))?)?;
    Question::new(measures, dimensions, filters, window)
}

fn refusal(err: &AppError) -> Response {
    let status = match err.code() {
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        "TIMEOUT" => StatusCode::GATEWAY_TIMEOUT,
        "UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    let body =
        json!({ "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }] });
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(body.to_string())
}

/// Authenticates, admits and answers, within the request's time limit.
async fn answer(
    state: &AppState,
    req: &Request,
    pairs: &[(String, String)],
    channel: Channel,
) -> AppResult<Answer> {
    let principal = authenticate(&state.store, req.headers()).await?;
    state.admission.take_token(&principal)?;
    let _in_flight = state.admission.enter(&principal).await?;
    let store = state
        .store
        .for_request(state.settings.connections_per_request);
    let cx = Context {
        store: &store,
        principal: &principal,
        today: Utc::now().date_naive(),
        stale_after_days: state.settings.stale_after_days,
    };
    let asked = Asked {
        sent: serde_json::to_string(pairs).unwrap_or_default(),
        question: question(pairs).map_err(AppError::from),
    };
    let limit = state.settings.request_timeout;
    tokio::time::timeout(
        limit,
        app::ask(&cx, asked, state.settings.max_analytics_figures, channel),
    )
    .await
    .map_err(|_| AppError::Timeout(limit.as_secs()))?
}

fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}

/// `GET /export/analytics.csv`: streamed line by line.
#[handler]
pub async fn as_csv(
    state: Data<&Arc<AppState>>,
    req: &Request,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match answer(&state, req, &pairs, Channel::Csv).await {
        Ok(a) => {
            let lines = files::csv_lines(&a)
                .into_iter()
                .map(|l| Ok::<_, std::io::Error>(l.into_bytes()));
            Response::builder()
                .content_type("text/csv; charset=utf-8")
                .header("Content-Disposition", attachment("analytics.csv"))
                .body(Body::from_bytes_stream(stream::iter(lines)))
        }
        Err(e) => refusal(&e),
    }
}

/// `GET /export/analytics.parquet`: one Parquet file.
#[handler]
pub async fn as_parquet(
    state: Data<&Arc<AppState>>,
    req: &Request,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match answer(&state, req, &pairs, Channel::Parquet)
        .await
        .and_then(|a| files::to_parquet(&a))
    {
        Ok(bytes) => Response::builder()
            .content_type("application/vnd.apache.parquet")
            .header("Content-Disposition", attachment("analytics.parquet"))
            .body(bytes),
        Err(e) => refusal(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_query_string_asks_the_same_question_as_graphql() {
        let q = question(&pairs(&[
            ("measures", "declined_for_capability,referrals"),
            ("dimensions", "month,preferred_language,pcn"),
            ("from", "2025-12-01"),
            ("to", "2026-12-01"),
            ("filter.age_band", "65_74,75_84,85_plus"),
        ]))
        .expect("a question");
        assert_eq!(
            q.measures,
            vec![Measure::DeclinedForCapability, Measure::Referrals]
        );
        assert_eq!(q.dimensions.len(), 3);
        assert_eq!(q.filters[0].values.len(), 3);
    }

    #[test]
    fn a_bad_parameter_is_named() {
        let field = |items: &[(&str, &str)]| question(&pairs(items)).err().map(|e| e.field);
        let base = [
            ("measures", "referrals"),
            ("from", "2026-01-01"),
            ("to", "2026-02-01"),
        ];
        assert_eq!(
            field(&[("measures", "people"), base[1], base[2]]),
            Some("measures".into())
        );
        assert_eq!(
            field(&[base[0], ("from", "1 Jan"), base[2]]),
            Some("from".into())
        );
        assert_eq!(
            field(&[base[0], base[1], base[2], ("colour", "red")]),
            Some("colour".into())
        );
        assert_eq!(
            field(&[base[0], base[1], base[2], ("filter.shoe", "9")]),
            Some("filters".into())
        );
    }
}
