//! `headroom serve`: migrate, optionally seed the demo, and serve.
use crate::config::{DatabaseSettings, ServerSettings};
use crate::error::{AppError, AppResult};
use crate::startup::{shutdown_signal, App};
use crate::store::connect;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,
    #[command(flatten)]
    pub server: ServerSettings,
}

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    let app = App::build(store, args.server.clone())
        .await
        .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", args.server.bind)))?;
    app.run_until_stopped(shutdown_signal())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}
