//! Scenario runs, timed through `runScenario` on the real HTTP endpoint:
//! three more link workers in every PCN of one ICB, 52 weeks, first as the
//! mean projection alone (no replications), then with 200 replications.
//! Each timed run reads the baseline, routes, projects and stores a run.

use std::time::Instant;

use serde_json::{json, Value};

use super::stats::Stats;
use super::Served;
use crate::config::{PerRole, ServerSettings};
use crate::domain::codes::Role;
use crate::error::AppResult;
use crate::graphql::ids;
use crate::store::{keys, Store};

pub struct ScenarioFigures {
    pub pcns: usize,
    pub services: i64,
    pub services_changed: i64,
    pub added_per_week: f64,
    /// Mean projection only, and with replications: the whole mutation.
    pub mean: Stats,
    pub replicated: Stats,
    /// The model's own share of a replicated run, as the run records it.
    pub replicated_recorded: Stats,
}

impl ScenarioFigures {
    pub fn table(&self) -> String {
        format!(
            "scenario: 3 more link workers in each of {} PCNs of one ICB, 52 weeks; {} services projected, {} reached, {:.1} extra referrals a week on average over the year\n\
             | run | p50 / p95 / max ms |\n|---|---|\n\
             | mean projection (runScenario, 0 replications) | {} |\n\
             | with 200 replications (runScenario) | {} |\n\
             | with 200 replications: reading and the model, as the run records it (storing the run not counted) | {} |\n",
            self.pcns,
            self.services,
            self.services_changed,
            self.added_per_week,
            self.mean,
            self.replicated,
            self.replicated_recorded,
        )
    }
}

struct Client {
    http: reqwest::Client,
    url: String,
    key: String,
}

impl Client {
    async fn gql(&self, query: &str, variables: Value) -> AppResult<Value> {
        let body =
            super::lifecycle::post(&self.http, &self.url, &self.key, query, variables).await?;
        Ok(body["data"].clone())
    }
}

const RUN: &str = "mutation ($id: ID!) { runScenario(id: $id) { elapsedMs
    totals { services servicesChanged added } horizonWeeks } }";

pub async fn run(store: &Store, icb: i64, iterations: usize) -> AppResult<ScenarioFigures> {
    let settings = ServerSettings {
        requests_per_minute: PerRole::all(u32::MAX),
        request_timeout: std::time::Duration::from_secs(300),
        ..ServerSettings::default()
    };
    let server = Served::start(store, settings).await?;
    let client = Client {
        http: reqwest::Client::new(),
        url: server.url.clone(),
        key: keys::issue(store, Role::Commissioner, "bench", None, None).await?,
    };
    let pcns = client
        .gql(
            "query ($icb: ID!) { pcns(filter: { icbId: $icb }, first: 50) { edges { node { id } } } }",
            json!({ "icb": ids::encode("Area", icb) }),
        )
        .await?;
    let pcns: Vec<Value> = pcns["pcns"]["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"]["id"].clone()).collect())
        .unwrap_or_default();
    let changes: Vec<Value> = pcns
        .iter()
        .map(|pcn| {
            json!({ "rampWeeks": 8, "gatewayStaff": { "place": { "pcnId": pcn }, "kind": "SOCIAL_PRESCRIBING", "staff": 3 } })
        })
        .collect();
    let create = |replications: i32| {
        json!({ "input": {
            "name": format!("Three more link workers in every PCN ({replications} replications)"),
            "horizonWeeks": 52,
            "replications": replications,
            "changes": changes,
        } })
    };
    let mut timings = Vec::new();
    let mut last = Value::Null;
    for replications in [0, 200] {
        let made = client
            .gql(
                "mutation ($input: ScenarioInput!) { createScenario(input: $input) { id } }",
                create(replications),
            )
            .await?;
        let id = made["createScenario"]["id"].clone();
        let (mut http, mut recorded) = (Vec::new(), Vec::new());
        for i in 0..=iterations {
            let started = Instant::now();
            let ran = client.gql(RUN, json!({ "id": id })).await?;
            // The first run warms caches and is not counted.
            if i > 0 {
                http.push(started.elapsed());
                let ms = ran["runScenario"]["elapsedMs"].as_u64().unwrap_or(0);
                recorded.push(std::time::Duration::from_millis(ms));
            }
            last = ran;
        }
        timings.push((Stats::of(http), Stats::of(recorded)));
    }
    keys::revoke_named(store, "bench").await?;
    server.stop().await;
    let totals = &last["runScenario"]["totals"];
    Ok(ScenarioFigures {
        pcns: pcns.len(),
        services: totals["services"].as_i64().unwrap_or(0),
        services_changed: totals["servicesChanged"].as_i64().unwrap_or(0),
        added_per_week: totals["added"].as_f64().unwrap_or(0.0) / 52.0,
        mean: timings[0].0,
        replicated: timings[1].0,
        replicated_recorded: timings[1].1,
    })
}
