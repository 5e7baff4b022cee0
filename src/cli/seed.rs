//! `headroom seed`: fill an empty database with deterministic synthetic data.

use chrono::{NaiveDate, Utc};

use crate::config::DatabaseSettings;
use crate::error::AppResult;
use crate::seed::{self, Scale, SeedOptions};
use crate::store::connect;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ScaleName {
    /// 20 wards, 150 organisations, 400 services, ~10k referrals a year.
    Demo,
    /// One local authority at full size: ~25k referrals a year.
    Borough,
    /// England-shaped: 42 ICBs, 300 authorities, 60k services, ~1.3M referrals.
    National,
}

impl ScaleName {
    pub fn scale(self) -> Scale {
        match self {
            ScaleName::Demo => Scale::demo(),
            ScaleName::Borough => Scale::borough(),
            ScaleName::National => Scale::national(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// How much to make.
    #[arg(long, value_enum, default_value = "demo")]
    pub scale: ScaleName,

    /// Random seed; the same seed and day give the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,

    /// The last day of the year of history (YYYY-MM-DD); today if left out.
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
}

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    let options = SeedOptions {
        scale: args.scale.scale(),
        seed: args.seed,
        as_of: args.as_of.unwrap_or_else(|| Utc::now().date_naive()),
        show_progress: true,
    };
    let s = seed::seed(&store, &options).await?;
    println!(
        "seeded {} organisations, {} services, {} referrals, {} events: {} rows in {:.1} s ({:.0} rows/s)",
        s.organisations,
        s.services,
        s.referrals,
        s.events,
        s.rows,
        s.seconds,
        s.rows_per_second()
    );
    Ok(())
}
