//! The benchmark: each dashboard query through the real HTTP `/graphql`
//! endpoint of an in-process server, many times, beside the same aggregate
//! run directly as SQL; then `findServices` from wards across the data set,
//! and referral moves per second by concurrent clients, counted afterwards.
//! It prints figures; it asserts nothing.

mod analytics;
pub mod browser;
mod cases;
mod exposure;
mod lifecycle;
mod pages;
mod scenarios;
mod stats;

use std::time::{Duration, Instant};

use chrono::Duration as Days;
use serde_json::Value;

use crate::config::ServerSettings;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::seed::{self, Scale, SeedOptions};
use crate::startup::App;
use crate::store::{areas, keys, metrics, Store};
pub use stats::Stats;

pub struct BenchOptions {
    /// The scale to seed when the database is empty.
    pub scale: Scale,
    pub iterations: usize,
    /// `findServices` runs, each from another ward.
    pub searches: usize,
    /// Referrals to move through their lifecycle (0 for none: the run
    /// writes them into the database it measures).
    pub referrals: usize,
    pub concurrency: usize,
    pub show_progress: bool,
    /// Measure what one key can do to the service instead of the
    /// dashboards: the fan-out and the alias flood.
    pub exposure: bool,
    /// Time scenario runs instead of the dashboards.
    pub scenarios: bool,
    pub pages: bool,
    pub analytics: bool,
}

/// One query's figures, or why there are none.
pub struct CaseReport {
    pub name: String,
    pub rows: usize,
    pub graphql: Stats,
    pub raw: Stats,
    pub rows_scanned: Option<u64>,
    pub failed: Option<String>,
}

pub struct Report {
    pub backend: String,
    pub seeded: Option<seed::SeedSummary>,
    pub cases: Vec<CaseReport>,
    /// `findServices` latency, and the mean number of matches.
    pub search: Option<(Stats, f64)>,
    pub throughput: Option<lifecycle::Throughput>,
    pub exposure: Option<exposure::Exposure>,
    pub scenarios: Option<scenarios::ScenarioFigures>,
    pub pages: Option<pages::PageFigures>,
    pub analytics: Option<analytics::AnalyticsFigures>,
    pub peak_rss_mb: Option<f64>,
}

pub async fn run(store: Store, options: &BenchOptions) -> AppResult<Report> {
    let seeded = if seed::is_empty(&store).await? {
        let as_of = chrono::Utc::now().date_naive();
        let s = seed::seed(
            &store,
            &SeedOptions {
                scale: options.scale.clone(),
                seed: 42,
                as_of,
                show_progress: options.show_progress,
            },
        )
        .await?;
        Some(s)
    } else {
        None
    };
    store.analyze().await?;
    let as_of = metrics::data_as_of(&store)
        .await?
        .ok_or_else(|| AppError::Conflict("the database holds no referrals to measure".into()))?;
    let icb = areas::first_of_kind(&store, "icb").await?;
    let authority = areas::first_of_kind(&store, "local_authority").await?;
    let (Some(icb), Some(authority)) = (icb, authority) else {
        return Err(AppError::Conflict(
            "the database holds no ICB and local authority".into(),
        ));
    };
    if options.exposure {
        let window =
            crate::domain::metrics::Window::parse(as_of - Days::days(364), as_of + Days::days(1))?;
        let exposure = Some(exposure::run(&store, window, authority.id).await?);
        return Ok(Report {
            exposure,
            ..Report::empty(&store, seeded)
        });
    }
    if options.analytics {
        let analytics =
            Some(analytics::run(&store, as_of, &authority.code, options.iterations).await?);
        return Ok(Report {
            analytics,
            ..Report::empty(&store, seeded)
        });
    }
    if options.pages {
        let pages = Some(pages::run(&store, as_of, options.iterations).await?);
        return Ok(Report {
            pages,
            ..Report::empty(&store, seeded)
        });
    }
    if options.scenarios {
        let scenarios = Some(scenarios::run(&store, icb.id, options.iterations).await?);
        return Ok(Report {
            scenarios,
            ..Report::empty(&store, seeded)
        });
    }

    // The dashboards are timed, not bounded: the limits are for callers.
    let settings = ServerSettings {
        max_complexity: 1_000_000,
        requests_per_minute: crate::config::PerRole::all(u32::MAX),
        concurrent_requests_per_key: crate::config::PerRole::all(1_000),
        request_timeout: Duration::from_secs(120),
        ..ServerSettings::default()
    };
    let server = Served::start(&store, settings).await?;
    let url = server.url.clone();
    let key = keys::issue(&store, Role::Admin, "bench", None, None).await?;
    let client = reqwest::Client::new();

    let window =
        crate::domain::metrics::Window::parse(as_of - Days::days(364), as_of + Days::days(1))?;
    let mut reports = Vec::new();
    for case in cases::all(&store, window, icb.id, authority.id) {
        let report = match time_case(&store, &client, &url, &key, &case, options.iterations).await {
            Ok(report) => report,
            // A query past its time limit is a finding, not the end of the run.
            Err(e) => CaseReport {
                name: case.name.clone(),
                rows: 0,
                graphql: Stats::of(Vec::new()),
                raw: Stats::of(Vec::new()),
                rows_scanned: None,
                failed: Some(e.to_string()),
            },
        };
        reports.push(report);
    }
    let search =
        Some(lifecycle::search(&store, &client, &url, &key, options.searches.max(1)).await?);
    let throughput = if options.referrals > 0 {
        Some(
            lifecycle::transitions(
                &store,
                &client,
                &url,
                options.referrals,
                options.concurrency.max(1),
                options.show_progress,
            )
            .await?,
        )
    } else {
        None
    };
    keys::revoke_named(&store, "bench").await?;
    server.stop().await;
    Ok(Report {
        cases: reports,
        search,
        throughput,
        ..Report::empty(&store, seeded)
    })
}

/// The real application on a free port of this machine, until stopped.
struct Served {
    /// Its `/graphql` endpoint.
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start(store: &Store, settings: ServerSettings) -> AppResult<Self> {
        let settings = ServerSettings {
            bind: "127.0.0.1:0".parse().expect("a valid address"),
            ..settings
        };
        let app = App::build(store.clone(), settings)
            .await
            .map_err(|e| AppError::Internal(format!("cannot start the server: {e}")))?;
        let url = format!("http://127.0.0.1:{}/graphql", app.port());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(Self { url, stop, running })
    }

    /// Stops it, letting requests in flight finish.
    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.running.await;
    }
}

async fn time_case(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    key: &str,
    case: &cases::Case,
    iterations: usize,
) -> AppResult<CaseReport> {
    let mut graphql = Vec::with_capacity(iterations);
    let mut rows = 0;
    for i in 0..=iterations {
        let started = Instant::now();
        let body: Value = client
            .post(url)
            .bearer_auth(key)
            .json(&serde_json::json!({ "query": case.query, "variables": case.variables }))
            .send()
            .await
            .map_err(|e| AppError::Internal(format!("bench request failed: {e}")))?
            .json()
            .await
            .map_err(|e| AppError::Internal(format!("bench response unreadable: {e}")))?;
        let elapsed = started.elapsed();
        if let Some(errors) = body.get("errors") {
            return Err(AppError::Internal(format!("{errors}")));
        }
        rows = cases::count_rows(&body);
        // The first run warms caches and is not counted.
        if i > 0 {
            graphql.push(elapsed);
        }
    }
    let mut raw = Vec::with_capacity(iterations);
    for i in 0..=iterations {
        let started = Instant::now();
        case.run_raw(store).await?;
        if i > 0 {
            raw.push(started.elapsed());
        }
    }
    Ok(CaseReport {
        name: case.name.clone(),
        rows,
        graphql: Stats::of(graphql),
        raw: Stats::of(raw),
        rows_scanned: case.statements.rows_scanned(store).await?,
        failed: None,
    })
}

impl Report {
    /// A report of nothing measured yet (the peak memory is read now).
    fn empty(store: &Store, seeded: Option<seed::SeedSummary>) -> Self {
        Report {
            backend: format!("{:?}", store.backend()),
            seeded,
            cases: Vec::new(),
            search: None,
            throughput: None,
            exposure: None,
            scenarios: None,
            pages: None,
            analytics: None,
            peak_rss_mb: stats::peak_rss_mb(),
        }
    }

    /// The figures as a Markdown table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{} | peak RSS {}\n\n",
            self.backend,
            self.peak_rss_mb
                .map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0} MB")),
        );
        if !self.cases.is_empty() {
            out.push_str("| query | rows | GraphQL p50 / p95 / max ms | SQL p50 / p95 / max ms | p95 GraphQL ÷ SQL | rows scanned |\n|---|---:|---|---|---:|---:|\n");
        }
        for c in &self.cases {
            if let Some(why) = &c.failed {
                out.push_str(&format!("| {} | — | failed: {why} | | | |\n", c.name));
                continue;
            }
            out.push_str(&format!(
                "| {} | {} | {} | {} | {:.2} (+{:.1} ms) | {} |\n",
                c.name,
                c.rows,
                c.graphql,
                c.raw,
                c.graphql.p95_ms / c.raw.p95_ms.max(1e-9),
                c.graphql.p95_ms - c.raw.p95_ms,
                c.rows_scanned
                    .map_or_else(|| "n/a".to_owned(), |n| n.to_string()),
            ));
        }
        if let Some(e) = &self.exposure {
            out.push_str(&format!("\n{}", e.table()));
        }
        if let Some(s) = &self.scenarios {
            out.push_str(&format!("\n{}", s.table()));
        }
        if let Some(p) = &self.pages {
            out.push_str(&format!("\n{}", p.table()));
        }
        if let Some(a) = &self.analytics {
            out.push_str(&format!("\n{}", a.table()));
        }
        if let Some((stats, matches)) = &self.search {
            out.push_str(&format!(
                "\nfindServices (5 km, different wards and people): p50 / p95 / max {stats} ms, {matches:.1} matches on average\n"
            ));
        }
        if let Some(t) = &self.throughput {
            out.push_str(&format!(
                "\nlifecycle: {} referrals × 4 moves by {} concurrent clients: {} moves in {:.1} s = {:.0} moves/s; move p50 / p95 / max {} ms\n\
                 afterwards: {} referrals, {} events, {} flows (expected {}, {}, {}){}\n",
                t.referrals,
                t.concurrency,
                t.moves,
                t.seconds,
                t.moves_per_second(),
                t.move_latency,
                t.found.referrals,
                t.found.events,
                t.found.flows,
                t.expected.referrals,
                t.expected.events,
                t.expected.flows,
                if (t.found.referrals, t.found.events, t.found.flows)
                    == (t.expected.referrals, t.expected.events, t.expected.flows)
                {
                    ": none lost or duplicated"
                } else {
                    ": MISMATCH"
                }
            ));
        }
        out
    }
}
