//! `headroom serve`: migrate, optionally seed the demo borough and print a
//! key for each role, then serve until Ctrl-C or SIGTERM.

use chrono::Utc;

use crate::config::{DatabaseSettings, ServerSettings};
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::seed::{self, Scale, SeedOptions};
use crate::startup::{shutdown_signal, App};
use crate::store::{connect, keys, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,

    #[command(flatten)]
    pub server: ServerSettings,

    /// Seed the demo borough if the database is empty, and print a fresh
    /// key for each role (replacing the previous demo keys).
    #[arg(long)]
    pub demo: bool,
}

/// Name prefix of the keys `--demo` makes, so that a restart replaces them.
const DEMO_KEY_PREFIX: &str = "demo ";

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    let demo_keys = if args.demo {
        if seed::is_empty(&store).await? {
            println!("Seeding the demo borough (first start only)…");
            let s = seed::seed(
                &store,
                &SeedOptions {
                    scale: Scale::demo(),
                    seed: 42,
                    as_of: Utc::now().date_naive(),
                    show_progress: true,
                },
            )
            .await?;
            println!(
                "Seeded {} organisations, {} services, {} referrals ({} rows in {:.1} s).",
                s.organisations, s.services, s.referrals, s.rows, s.seconds
            );
        }
        Some(mint_demo_keys(&store).await?)
    } else {
        None
    };
    let app = App::build(store, args.server.clone())
        .await
        .map_err(|e| AppError::Internal(format!("cannot listen on {}: {e}", args.server.bind)))?;
    let address = format!("http://{}:{}", args.server.bind.ip(), app.port());
    println!("\nHeadroom is serving {}", args.database.url.redacted());
    println!("  Explorer: {address}/");
    println!("  GraphQL:  {address}/graphql");
    if let Some(keys) = demo_keys {
        println!("\nDemo keys (made now; the previous demo keys are revoked). Paste one into");
        println!("the explorer's API key field, or send it as Authorization: Bearer <key>:");
        for (role, key) in keys {
            println!("  {:<13} {key}", role.as_str());
        }
    }
    println!("\nCtrl-C stops the service (requests in flight finish first).");
    tracing::info!(%address, "listening");
    app.run_until_stopped(shutdown_signal())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// One key per role; the provider acts for the first organisation and the
/// link worker for the first gateway.
async fn mint_demo_keys(store: &Store) -> AppResult<Vec<(Role, String)>> {
    keys::revoke_named(store, DEMO_KEY_PREFIX).await?;
    let organisation = keys::first_id(store, "organisation").await?;
    let gateway = keys::first_id(store, "gateway").await?;
    let mut out = Vec::new();
    for role in Role::ALL {
        let (org, gw) = match role {
            Role::Provider => (organisation, None),
            Role::LinkWorker => (None, gateway),
            _ => (None, None),
        };
        if (*role == Role::Provider && org.is_none()) || (*role == Role::LinkWorker && gw.is_none())
        {
            continue;
        }
        let name = format!("{DEMO_KEY_PREFIX}{role}");
        out.push((*role, keys::issue(store, *role, &name, org, gw).await?));
    }
    Ok(out)
}
