//! The link worker's and provider's side of the benchmark: `findServices`
//! from wards spread over the country, and referrals moved through their
//! lifecycle by concurrent clients, counted afterwards.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use super::stats::Stats;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::graphql::ids;
use crate::store::{gateways, keys, matching, referrals, Store};

const FIND: &str = "query ($input: FindServicesInput!) { findServices(input: $input) {
    matches { service { id name } score distanceKm hasRoom headroom utilisation typicalWaitDays
              status stale capabilitiesMatched { code } capabilitiesMissing { code } }
    nearby eligible withRoom nothingFits { reason explanation }
} }";

const CREATE: &str = "mutation ($input: CreateReferralInput!) {
    createReferral(input: $input) { referral { id version } }
}";

const MOVE: &str = "mutation ($input: MoveReferralInput!) {
    moveReferral(input: $input) { referral { version } event { id } }
}";

/// The searches: each ward with a different person.
fn search_inputs(wards: &[i64]) -> Vec<Value> {
    let people = [
        (
            json!(["LONELINESS", "CARER_SUPPORT"]),
            Some("syl"),
            json!([{ "kind": "GENDER", "code": "women_only" }]),
        ),
        (json!(["MENTAL_WELLBEING"]), None, json!([])),
        (
            json!(["PHYSICAL_ACTIVITY", "LONELINESS"]),
            Some("ur"),
            json!([]),
        ),
        (
            json!(["DEMENTIA"]),
            None,
            json!([{ "kind": "CONDITION", "code": "dementia_friendly" }]),
        ),
    ];
    wards
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (needs, language, preferred) = &people[i % people.len()];
            json!({ "input": {
                "needs": needs,
                "residenceWardId": ids::encode("Area", *w).0,
                "language": language,
                "preferredCapabilities": preferred,
                "ageBand": "FROM_65_TO_74",
                "maxDistanceKm": 5.0,
            } })
        })
        .collect()
}

/// A GraphQL request through HTTP; its body, or the errors it answered.
pub(super) async fn post(
    client: &reqwest::Client,
    url: &str,
    key: &str,
    query: &str,
    variables: Value,
) -> AppResult<Value> {
    let body: Value = client
        .post(url)
        .bearer_auth(key)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .map_err(|e| AppError::Internal(format!("bench request failed: {e}")))?
        .json()
        .await
        .map_err(|e| AppError::Internal(format!("bench response unreadable: {e}")))?;
    if let Some(errors) = body.get("errors") {
        return Err(AppError::Internal(format!("{errors}")));
    }
    Ok(body)
}

/// `findServices` latency over `iterations` searches from different wards.
pub async fn search(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    key: &str,
    iterations: usize,
) -> AppResult<(Stats, f64)> {
    let wards = matching::sample_wards(store, iterations + 1).await?;
    let mut samples = Vec::with_capacity(iterations);
    let mut matches = 0usize;
    for (i, vars) in search_inputs(&wards).into_iter().enumerate() {
        let started = Instant::now();
        let body = post(client, url, key, FIND, vars).await?;
        let elapsed = started.elapsed();
        matches += body["data"]["findServices"]["matches"]
            .as_array()
            .map_or(0, Vec::len);
        if i > 0 {
            samples.push(elapsed);
        }
    }
    Ok((
        Stats::of(samples),
        matches as f64 / wards.len().max(1) as f64,
    ))
}

/// What the lifecycle run did.
pub struct Throughput {
    pub referrals: usize,
    pub moves: usize,
    pub seconds: f64,
    pub concurrency: usize,
    pub move_latency: Stats,
    /// Referrals, events and flows found afterwards, against those expected.
    pub found: referrals::Tally,
    pub expected: referrals::Tally,
}

impl Throughput {
    pub fn moves_per_second(&self) -> f64 {
        self.moves as f64 / self.seconds.max(1e-9)
    }
}

/// Each referral is received, sent, accepted, started and completed, by a
/// link worker and the provider's staff, `concurrency` referrals at once.
pub async fn transitions(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    count: usize,
    concurrency: usize,
    show_progress: bool,
) -> AppResult<Throughput> {
    let gateway = gateways::first(store)
        .await?
        .ok_or_else(|| AppError::Conflict("the database holds no gateway".into()))?;
    let worker = keys::issue(
        store,
        Role::LinkWorker,
        "bench link worker",
        None,
        Some(gateway.id),
    )
    .await?;
    let services = referrals::sample_services(store, 16).await?;
    let ward = matching::sample_wards(store, 1)
        .await?
        .first()
        .copied()
        .ok_or_else(|| AppError::Conflict("the database holds no ward with a centroid".into()))?;
    let mut targets = Vec::new();
    for (service, organisation) in services {
        let key = keys::issue(
            store,
            Role::Provider,
            "bench provider",
            Some(organisation),
            None,
        )
        .await?;
        targets.push((ids::encode("Service", service).0, key));
    }
    if targets.is_empty() {
        return Err(AppError::Conflict(
            "the database holds no service with a venue".into(),
        ));
    }
    let run = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
    let prefix = format!("BENCH-{run}-");
    let before = referrals::tally(store, &prefix).await?;
    let bar = if show_progress {
        ProgressBar::new(count as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} referrals  eta {eta}")
            .expect("a valid progress template")
            .progress_chars("=> "),
    );
    let targets = Arc::new(targets);
    let started = Instant::now();
    let results: Vec<AppResult<Vec<Duration>>> = stream::iter(0..count)
        .map(|i| {
            let (client, url, worker, targets, prefix, bar) = (
                client.clone(),
                url.to_owned(),
                worker.clone(),
                targets.clone(),
                prefix.clone(),
                bar.clone(),
            );
            async move {
                let (service, provider) = &targets[i % targets.len()];
                let body = post(
                    &client,
                    &url,
                    &worker,
                    CREATE,
                    json!({ "input": {
                    "reference": format!("{prefix}{i:06}"),
                    "ageBand": "FROM_65_TO_74",
                    "residenceWardId": ids::encode("Area", ward).0,
                    "needs": ["LONELINESS"],
                } }),
                )
                .await?;
                let id = body["data"]["createReferral"]["referral"]["id"].clone();
                let mut version = body["data"]["createReferral"]["referral"]["version"]
                    .as_i64()
                    .unwrap_or(1);
                let mut latencies = Vec::with_capacity(4);
                for (to, key, service) in [
                    ("SENT", &worker, Some(service)),
                    ("ACCEPTED", provider, None),
                    ("STARTED", provider, None),
                    ("COMPLETED", provider, None),
                ] {
                    let t = Instant::now();
                    let body = post(
                        &client,
                        &url,
                        key,
                        MOVE,
                        json!({ "input": {
                        "referralId": id, "version": version, "to": to, "serviceId": service,
                        "idempotencyKey": format!("{prefix}{i:06}-{to}"),
                    } }),
                    )
                    .await?;
                    latencies.push(t.elapsed());
                    version = body["data"]["moveReferral"]["referral"]["version"]
                        .as_i64()
                        .unwrap_or(version + 1);
                }
                bar.inc(1);
                Ok(latencies)
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    keys::revoke_named(store, "bench ").await?;
    let mut latencies = Vec::new();
    for r in results {
        latencies.extend(r?);
    }
    let after = referrals::tally(store, &prefix).await?;
    Ok(Throughput {
        referrals: count,
        moves: latencies.len(),
        seconds,
        concurrency,
        move_latency: Stats::of(latencies),
        found: referrals::Tally {
            referrals: after.referrals - before.referrals,
            events: after.events - before.events,
            flows: after.flows - before.flows,
        },
        expected: referrals::Tally {
            referrals: count as i64,
            events: count as i64 * 5,
            flows: count as i64,
        },
    })
}
