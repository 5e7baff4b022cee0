//! `headroom seed`: fill an empty database with synthetic data.
use crate::config::DatabaseSettings;
use crate::error::AppResult;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,
}

pub async fn run(_args: Args) -> AppResult<()> {
    Ok(())
}
