//! `headroom scenario backtest`: how far to trust a projection. The model
//! is given a baseline in the past and the demand that really came after
//! it; the command prints its errors against what happened.

use chrono::Duration;

use crate::app::{self, backtest};
use crate::config::DatabaseSettings;
use crate::domain::access::Principal;
use crate::domain::codes::Role;
use crate::domain::metrics::Window;
use crate::domain::scenario::backtest::Errors;
use crate::error::{AppError, AppResult};
use crate::store::{connect, metrics};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Project the weeks after a past baseline from the demand that really
    /// came, and print the errors against what happened.
    Backtest(BacktestArgs),
}

#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// Weeks of baseline.
    #[arg(long, default_value_t = 12)]
    pub baseline_weeks: i64,

    /// Weeks projected after the baseline; they end on the last day of
    /// the data.
    #[arg(long, default_value_t = 12)]
    pub weeks: i64,

    /// Services listed with the largest errors.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

pub async fn run(args: Args) -> AppResult<()> {
    let Sub::Backtest(args) = args.command;
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    let today = metrics::data_as_of(&store)
        .await?
        .ok_or_else(|| AppError::Conflict("the database holds no referrals to backtest".into()))?;
    let to = today + Duration::days(1) - Duration::weeks(args.weeks);
    let baseline = Window::parse(to - Duration::weeks(args.baseline_weeks), to)?;
    let principal = Principal {
        key_id: 0,
        role: Role::Admin,
        organisation_id: None,
        gateway_id: None,
    };
    let cx = app::Context {
        store: &store,
        principal: &principal,
        today,
        stale_after_days: 30,
    };
    let started = std::time::Instant::now();
    let b = backtest::backtest(&cx, baseline, args.weeks).await?;
    println!("{}", table(&b, args.top, started.elapsed().as_secs_f64()));
    Ok(())
}

fn row(name: &str, e: &Errors) -> String {
    format!(
        "| {name} | {:.2} | {} | {:+.2} | {} |",
        e.mean_absolute,
        e.weighted_share
            .map_or_else(|| "n/a".to_owned(), |s| format!("{:.0}%", s * 100.0)),
        e.bias,
        e.points
    )
}

/// The backtest's figures as Markdown.
pub fn table(b: &backtest::Backtest, top: usize, seconds: f64) -> String {
    let mut out = format!(
        "Backtest: baseline {} to {}, then {} weeks of the demand that really came ({:.0} referrals taken on, {:.0} of them with no service within reach by the model), {} services, in {:.1} s\n\n\
         | per service and week | mean absolute error | weighted error | bias | points |\n|---|---:|---:|---:|---:|\n{}\n{}\n{}\n{}\n{}\n",
        b.baseline.from(),
        b.baseline.last_day(),
        b.weeks,
        b.demand,
        b.unabsorbed,
        b.services.len(),
        seconds,
        row("arrivals a week", &b.arrivals),
        row(&format!("arrivals over the {} weeks", b.weeks), &b.period_arrivals),
        row(
            "… if each service took on what it did in the baseline (the yardstick)",
            &b.naive_period_arrivals
        ),
        row("waiting list at the week's end", &b.waiting),
        row("utilisation", &b.utilisation),
    );
    out.push_str(&format!(
        "\nThe {top} services with the largest arrivals error:\n\n| service | projected arrivals | actual | mean absolute error a week |\n|---|---:|---:|---:|\n"
    ));
    for s in b.services.iter().take(top) {
        out.push_str(&format!(
            "| {} | {:.1} | {:.1} | {:.2} |\n",
            s.service_id, s.projected_arrivals, s.actual_arrivals, s.arrivals.mean_absolute
        ));
    }
    out
}
