//! The command line: one subcommand per job, each in its own module with its
//! options and `run()`.

mod bench;
mod keys;
mod migrate;
mod scenario;
mod schema;
mod seed;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::AppError;
use crate::telemetry::{self, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "headroom",
    version,
    about = "Commissioning VCS capacity next to the demand sent to it"
)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(
        long,
        env = "HEADROOM_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the GraphQL service (migrating the database first).
    Serve(serve::Args),
    /// Apply pending database migrations.
    Migrate(migrate::Args),
    /// Fill the database with deterministic synthetic data.
    Seed(seed::Args),
    /// Create, list and revoke API keys.
    Keys(keys::Args),
    /// Print the GraphQL schema (SDL).
    Schema(schema::Args),
    /// Time each dashboard query through HTTP and as raw SQL.
    Bench(bench::Args),
    /// Scenario tools: `backtest` the model against what happened.
    Scenario(scenario::Args),
}

pub async fn main(cli: Cli) -> ExitCode {
    telemetry::init(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Migrate(args) => migrate::run(args).await,
        Command::Seed(args) => seed::run(args).await,
        Command::Keys(args) => keys::run(args).await,
        Command::Schema(args) => schema::run(args),
        Command::Bench(args) => bench::run(args).await,
        Command::Scenario(args) => scenario::run(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            if let AppError::Internal(cause) = &e {
                eprintln!("  cause: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
