//! `headroom migrate`: apply pending migrations.

use crate::config::DatabaseSettings;
use crate::error::AppResult;
use crate::store::connect;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,
}

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    println!("migrations applied to {}", args.database.url.redacted());
    Ok(())
}
