//! What one ordinary key can do to the service, measured: the nested-area
//! fan-out (its answer, its time, the server's memory), and the time another
//! key waits while one key floods aggregate aliases, with the service's
//! limits as configured and with them lifted as they were before (no lanes,
//! no per-key admission, complexity unbounded).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::stats::{self, Stats};
use super::Served;
use crate::config::{PerRole, ServerSettings};
use crate::domain::codes::Role;
use crate::domain::metrics::Window;
use crate::error::{AppError, AppResult};
use crate::graphql::ids;
use crate::store::{keys, Store};

/// The fan-out: areas, children and parents nested to the default depth.
fn fan_out(authority: i64) -> String {
    let mut inner = "name".to_owned();
    for level in 0..9 {
        let field = if level % 2 == 0 { "children" } else { "parent" };
        inner = format!("name {field} {{ {inner} }}");
    }
    let id = ids::encode("Area", authority).0;
    format!("{{ node(id: \"{id}\") {{ ... on Area {{ {inner} }} }} }}")
}

/// Ten one-year trends in the authority: within the default complexity.
fn flood(window: &Window, authority: i64) -> String {
    let id = ids::encode("Area", authority).0;
    let aliases: Vec<String> = (0..10)
        .map(|i| {
            format!(
                "t{i}: capacityTrend(window: {{ from: \"{}\", to: \"{}\" }}, areaId: \"{id}\") {{ demand capacity waitingList }}",
                window.from(),
                window.to()
            )
        })
        .collect();
    format!("{{ {} }}", aliases.join(" "))
}

pub struct FanOut {
    pub status: u16,
    pub outcome: String,
    pub bytes: usize,
    pub millis: f64,
}

pub struct Flood {
    pub limits: &'static str,
    /// The other key's plain query while the flood runs.
    pub victim: Stats,
    pub victim_errors: Vec<String>,
    pub flood_requests: usize,
    /// The flood's answers by outcome ("ok" or the error code), counted.
    pub flood_outcomes: Vec<(String, usize)>,
}

pub struct Exposure {
    /// Each run with the process's resident memory before and after.
    pub fan_out: Vec<(&'static str, FanOut, Option<f64>, Option<f64>)>,
    pub floods: Vec<Flood>,
    pub peak_rss_mb: Option<f64>,
}

/// Settings as they were before the limits: one request could take every
/// connection, a key had no share, and complexity did not bind.
fn unlimited() -> ServerSettings {
    ServerSettings {
        max_complexity: usize::MAX,
        connections_per_request: 1_000,
        requests_per_minute: PerRole::all(u32::MAX),
        concurrent_requests_per_key: PerRole::all(1_000),
        max_response_bytes: usize::MAX,
        ..ServerSettings::default()
    }
}

pub async fn run(store: &Store, window: Window, authority: i64) -> AppResult<Exposure> {
    let mut fan_out_figures = Vec::new();
    let mut floods = Vec::new();
    for (limits, settings) in [
        ("limits on", ServerSettings::default()),
        ("limits off", unlimited()),
    ] {
        let server = Server::start(store, settings).await?;
        // Without limits the fan-out grows as wards^5 and can take the
        // machine's memory: it is run with the limits on only.
        if limits == "limits on" {
            let before = stats::rss_mb();
            let figure = server.fan_out(authority).await?;
            fan_out_figures.push((limits, figure, before, stats::rss_mb()));
        }
        floods.push(server.flood(limits, &window, authority).await?);
        server.stop().await?;
    }
    Ok(Exposure {
        fan_out: fan_out_figures,
        floods,
        peak_rss_mb: stats::peak_rss_mb(),
    })
}

struct Server {
    served: Served,
    url: String,
    client: reqwest::Client,
    attacker: String,
    victim: String,
    store: Store,
}

impl Server {
    async fn start(store: &Store, settings: ServerSettings) -> AppResult<Self> {
        let served = Served::start(store, settings).await?;
        Ok(Self {
            url: served.url.clone(),
            served,
            client: reqwest::Client::new(),
            attacker: keys::issue(store, Role::Commissioner, "bench", None, None).await?,
            victim: keys::issue(store, Role::Commissioner, "bench", None, None).await?,
            store: store.clone(),
        })
    }

    async fn post(&self, key: &str, query: &str) -> AppResult<(u16, String)> {
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(key)
            .json(&json!({ "query": query }))
            .send()
            .await
            .map_err(|e| AppError::Internal(format!("bench request failed: {e}")))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| AppError::Internal(format!("bench response unreadable: {e}")))?;
        Ok((status, text))
    }

    async fn fan_out(&self, authority: i64) -> AppResult<FanOut> {
        let started = Instant::now();
        let (status, text) = self.post(&self.attacker, &fan_out(authority)).await?;
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        Ok(FanOut {
            status,
            outcome: outcome(&text),
            bytes: text.len(),
            millis,
        })
    }

    /// Eight clients of one key send the ten-trend query back to back for
    /// ten seconds; another key asks for one service every 100 ms.
    async fn flood(
        &self,
        limits: &'static str,
        window: &Window,
        authority: i64,
    ) -> AppResult<Flood> {
        let query = Arc::new(flood(window, authority));
        let running = Arc::new(AtomicBool::new(true));
        let mut attackers = Vec::new();
        for _ in 0..8 {
            let (client, url, key, query, running) = (
                self.client.clone(),
                self.url.clone(),
                self.attacker.clone(),
                query.clone(),
                running.clone(),
            );
            attackers.push(tokio::spawn(async move {
                let mut outcomes = Vec::new();
                while running.load(Ordering::Relaxed) {
                    let answer = client
                        .post(&url)
                        .bearer_auth(&key)
                        .json(&json!({ "query": query.as_str() }))
                        .send()
                        .await;
                    outcomes.push(match answer {
                        Ok(r) => outcome(&r.text().await.unwrap_or_default()),
                        Err(_) => "no answer".to_owned(),
                    });
                }
                outcomes
            }));
        }
        let mut waits = Vec::new();
        let mut errors = Vec::new();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            let started = Instant::now();
            let (_, text) = self
                .post(
                    &self.victim,
                    "{ services(first: 1) { edges { node { id } } } }",
                )
                .await?;
            waits.push(started.elapsed());
            let o = outcome(&text);
            if o != "ok" {
                errors.push(o);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        running.store(false, Ordering::Relaxed);
        let mut counted: std::collections::BTreeMap<String, usize> = Default::default();
        for a in attackers {
            let outcomes = a
                .await
                .map_err(|e| AppError::Internal(format!("a flooding client failed: {e}")))?;
            for o in outcomes {
                *counted.entry(o).or_default() += 1;
            }
        }
        Ok(Flood {
            limits,
            victim: Stats::of(waits),
            victim_errors: errors,
            flood_requests: counted.values().sum(),
            flood_outcomes: counted.into_iter().collect(),
        })
    }

    async fn stop(self) -> AppResult<()> {
        keys::revoke_named(&self.store, "bench").await?;
        self.served.stop().await;
        Ok(())
    }
}

/// "ok", or the first error's code.
fn outcome(text: &str) -> String {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None if body["errors"].is_array() => "error".to_owned(),
        None => "ok".to_owned(),
    }
}

impl Exposure {
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| fan-out (areas nested 9 deep under a local authority) | HTTP | outcome | answer bytes | ms | RSS before / after MB |\n|---|---:|---|---:|---:|---|\n",
        );
        let mb = |m: &Option<f64>| m.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0}"));
        for (limits, f, before, after) in &self.fan_out {
            out.push_str(&format!(
                "| {limits} | {} | {} | {} | {:.0} | {} / {} |\n",
                f.status,
                f.outcome,
                f.bytes,
                f.millis,
                mb(before),
                mb(after)
            ));
        }
        out.push_str(
            "\n| one key floods ten one-year trends from 8 clients for 10 s | another key's query p50 / p95 / max ms | its errors | flood requests | flood outcomes |\n|---|---|---|---:|---|\n",
        );
        for f in &self.floods {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                f.limits,
                f.victim,
                if f.victim_errors.is_empty() {
                    "none".to_owned()
                } else {
                    f.victim_errors.join(", ")
                },
                f.flood_requests,
                f.flood_outcomes
                    .iter()
                    .map(|(o, n)| format!("{o} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out.push_str(&format!(
            "\npeak RSS of the process (seed, server and clients): {}\n",
            self.peak_rss_mb
                .map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MB"))
        ));
        out
    }
}
