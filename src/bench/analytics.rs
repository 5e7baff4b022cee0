//! Researchers' questions, timed through HTTP as a researcher asks them:
//! a three-dimension question (month × ICB × need over the last twelve
//! months) through `analytics`, about referrals and about services, and the exports of a large answer (month ×
//! ward × need in one local authority) as CSV and Parquet, in rows a
//! second. Every answer passes
//! through disclosure control and the audit trail, as in use.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use serde_json::json;

use super::lifecycle::post;
use super::stats::Stats;
use super::Served;
use crate::config::{PerRole, ServerSettings};
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::store::{keys, Store};

pub struct AnalyticsFigures {
    pub question: Stats,
    pub cells: usize,
    pub suppressed: i64,
    /// Capacity and utilisation by the same dimensions: a question about
    /// services; the error where it could not be answered (on a small
    /// machine the national question can pass the statement time limit),
    /// so that the other figures are still printed.
    pub services: Result<Stats, String>,
    pub service_cells: usize,
    /// The export's rows, and its timings as CSV and as Parquet.
    pub export_rows: usize,
    pub csv: Stats,
    pub as_parquet: Stats,
}

impl AnalyticsFigures {
    pub fn table(&self) -> String {
        let per_second = |s: &Stats| self.export_rows as f64 / (s.p50_ms / 1000.0).max(1e-9);
        format!(
            "researchers' questions (through HTTP, disclosure control and audit included)\n\
             | run | p50 / p95 / max ms | |\n|---|---|---|\n\
             | analytics: month × ICB × need, 12 months | {} | {} cells, {} figures suppressed |\n\
             | analytics: capacity places and utilisation, month × ICB × need, 12 months | {} | {} cells |\n\
             | export month × ward × need (one local authority) as CSV | {} | {} rows, {:.0} rows/s at p50 |\n\
             | export month × ward × need (one local authority) as Parquet | {} | {} rows, {:.0} rows/s at p50 |\n",
            self.question,
            self.cells,
            self.suppressed,
            match &self.services {
                Ok(stats) => stats.to_string(),
                Err(e) => format!("not answered: {e}"),
            },
            self.service_cells,
            self.csv,
            self.export_rows,
            per_second(&self.csv),
            self.as_parquet,
            self.export_rows,
            per_second(&self.as_parquet),
        )
    }
}

/// The code and message of the first GraphQL error in `errors`, as the
/// bench's request helper passes them on.
fn first_error(errors: &str) -> String {
    let parsed: serde_json::Value = serde_json::from_str(errors).unwrap_or_default();
    let first = &parsed[0];
    match (
        first["extensions"]["code"].as_str(),
        first["message"].as_str(),
    ) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        _ => errors.to_owned(),
    }
}

const QUESTION: &str = "query($q: AnalyticsQuestion!) { analytics(question: $q) { figures suppressed cells { keys { value } } } }";

async fn download(
    client: &reqwest::Client,
    url: &str,
    key: &str,
) -> AppResult<(Duration, Vec<u8>)> {
    let started = Instant::now();
    let response = client
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .map_err(|e| AppError::Internal(format!("bench export failed: {e}")))?;
    if !response.status().is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(AppError::Internal(format!("bench export refused: {body}")));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| AppError::Internal(format!("bench export unreadable: {e}")))?;
    Ok((started.elapsed(), bytes.to_vec()))
}

/// `authority`: the ONS code of the local authority the export is for.
pub async fn run(
    store: &Store,
    as_of: NaiveDate,
    authority: &str,
    iterations: usize,
) -> AppResult<AnalyticsFigures> {
    let settings = ServerSettings {
        requests_per_minute: PerRole::all(u32::MAX),
        ..ServerSettings::default()
    };
    let server = Served::start(store, settings).await?;
    let key = keys::issue(store, Role::Researcher, "bench", None, None).await?;
    let client = reqwest::Client::new();
    let to = as_of + Days::days(1);
    let from = to - Days::days(365);
    let result = async {
        let ask = |measures: serde_json::Value| {
            let variables = json!({ "q": {
                "measures": measures,
                "dimensions": ["MONTH", "ICB", "NEED"],
                "window": { "from": from.to_string(), "to": to.to_string() },
            } });
            let (client, server, key) = (&client, &server, &key);
            async move {
            let mut times = Vec::new();
            let mut last = serde_json::Value::Null;
            for i in 0..=iterations {
                let started = Instant::now();
                last = post(client, &server.url, key, QUESTION, variables.clone()).await?;
                if i > 0 {
                    times.push(started.elapsed());
                }
            }
            Ok::<_, AppError>((Stats::of(times), last["data"]["analytics"].clone()))
            }
        };
        let (times, answer) = ask(json!(["ACCEPTED"])).await?;
        let (services, service_answer) = match ask(json!(["CAPACITY_PLACES", "UTILISATION"])).await
        {
            Ok((stats, answer)) => (Ok(stats), answer),
            Err(AppError::Internal(cause)) => (Err(first_error(&cause)), serde_json::Value::Null),
            Err(e) => (Err(e.to_string()), serde_json::Value::Null),
        };
        let base = server.url.trim_end_matches("/graphql");
        let query = format!("measures=referrals&dimensions=month,ward,need&from={from}&to={to}&filter.local_authority={authority}");
        let (mut csv, mut parquet_times, mut rows) = (Vec::new(), Vec::new(), 0);
        for i in 0..=iterations {
            let (took, body) = download(
                &client,
                &format!("{base}/export/analytics.csv?{query}"),
                &key,
            )
            .await?;
            rows = body
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1);
            let (took_p, _) = download(
                &client,
                &format!("{base}/export/analytics.parquet?{query}"),
                &key,
            )
            .await?;
            if i > 0 {
                csv.push(took);
                parquet_times.push(took_p);
            }
        }
        Ok::<_, AppError>(AnalyticsFigures {
            question: times,
            cells: answer["cells"].as_array().map_or(0, Vec::len),
            suppressed: answer["suppressed"].as_i64().unwrap_or(0),
            services,
            service_cells: service_answer["cells"].as_array().map_or(0, Vec::len),
            export_rows: rows,
            csv: Stats::of(csv),
            as_parquet: Stats::of(parquet_times),
        })
    }
    .await;
    keys::revoke_named(store, "bench").await?;
    server.stop().await;
    result
}

#[cfg(test)]
mod tests {
    use super::first_error;

    #[test]
    fn a_question_not_answered_is_reported_by_its_code() {
        let errors =
            r#"[{"message":"the database stopped a statement","extensions":{"code":"TIMEOUT"}}]"#;
        assert_eq!(
            first_error(errors),
            "TIMEOUT: the database stopped a statement"
        );
        assert_eq!(first_error("unreadable"), "unreadable");
    }
}
