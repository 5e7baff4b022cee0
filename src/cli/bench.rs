//! `headroom bench`: seed (or reuse) a database, then time each dashboard
//! query through HTTP and as raw SQL, and print the figures.

use crate::bench::{self, BenchOptions};
use crate::config::DatabaseSettings;
use crate::error::AppResult;
use crate::seed::Scale;
use crate::store::connect;

use super::seed::ScaleName;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// What to seed if the database is empty (a seeded one is reused).
    #[arg(long, value_enum, default_value = "borough")]
    pub scale: ScaleName,

    /// Timed runs of each query (after one warm-up run).
    #[arg(long, default_value_t = 30)]
    pub iterations: usize,

    /// `findServices` runs, each from another ward (after one warm-up).
    #[arg(long, default_value_t = 100)]
    pub searches: usize,

    /// Referrals to move through their whole lifecycle through HTTP, to
    /// measure transitions per second (they stay in the database; 0 skips).
    #[arg(long, default_value_t = 500)]
    pub referrals: usize,

    /// Clients moving referrals at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,

    /// Instead of the dashboards: what one key can do to the service with
    /// the limits on and off (a nested fan-out; a flood of aggregate
    /// aliases while another key queries).
    #[arg(long)]
    pub exposure: bool,

    /// Instead of the dashboards: scenario runs (three more link workers
    /// in every PCN of the first ICB, 52 weeks), the mean projection alone
    /// and with 200 replications, `--iterations` times each.
    #[arg(long, conflicts_with = "exposure")]
    pub scenarios: bool,

    /// Instead of the dashboards' queries: the dashboard pages in headless
    /// Chromium (Debian's chromium and chromium-driver), from navigation
    /// until each is fully drawn, the overview redrawn for a filter and the
    /// link worker's search, `--iterations` times each.
    #[arg(long, conflicts_with_all = ["exposure", "scenarios"])]
    pub pages: bool,

    /// Instead of the dashboards' queries: researchers' questions through
    /// `analytics` (month × ICB × need over twelve months) and the CSV and
    /// Parquet exports of month × ward × need, `--iterations` times each.
    #[arg(long, conflicts_with_all = ["exposure", "scenarios", "pages"])]
    pub analytics: bool,
}

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    let scale: Scale = args.scale.scale();
    println!(
        "Benchmarking {} ({} timed runs per query)…",
        args.database.url.redacted(),
        args.iterations
    );
    let report = bench::run(
        store,
        &BenchOptions {
            scale,
            iterations: args.iterations.max(1),
            searches: args.searches,
            referrals: args.referrals,
            concurrency: args.concurrency,
            show_progress: true,
            exposure: args.exposure,
            scenarios: args.scenarios,
            pages: args.pages,
            analytics: args.analytics,
        },
    )
    .await?;
    if let Some(s) = &report.seeded {
        println!(
            "seeded {} organisations, {} services, {} referrals, {} events: {} rows in {:.1} s ({:.0} rows/s)",
            s.organisations, s.services, s.referrals, s.events, s.rows, s.seconds, s.rows_per_second()
        );
    }
    println!("\n{}", report.table());
    Ok(())
}
