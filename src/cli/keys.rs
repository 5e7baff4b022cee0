//! `headroom keys create|list|revoke`: API keys. A key is printed once, when
//! created; only its hash is stored.

use clap::Subcommand;

use crate::config::DatabaseSettings;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::store::{connect, keys};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: DatabaseSettings,

    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Subcommand)]
pub enum Action {
    /// Create a key and print it (the only time it is shown).
    Create {
        /// admin, commissioner, link_worker, provider or researcher.
        #[arg(long)]
        role: String,
        /// A label for people: whose key it is, what for.
        #[arg(long)]
        name: String,
        /// The organisation a provider key acts for (its number).
        #[arg(long)]
        organisation: Option<i64>,
        /// The gateway a link worker key acts for (its number).
        #[arg(long)]
        gateway: Option<i64>,
    },
    /// List keys (prefix, role, name, revoked or not); never the keys.
    List,
    /// Revoke a key by its prefix (the 8 characters after `hr_`).
    Revoke { prefix: String },
}

pub async fn run(args: Args) -> AppResult<()> {
    let store = connect::connect(&args.database).await?;
    connect::migrate(&store).await?;
    match args.action {
        Action::Create {
            role,
            name,
            organisation,
            gateway,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                AppError::bad_input("role", format!("'{role}' is not a role (admin, commissioner, link_worker, provider, researcher)"))
            })?;
            let key = keys::issue(&store, role, &name, organisation, gateway).await?;
            println!("{key}");
        }
        Action::List => {
            for k in keys::list_keys(&store).await? {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", t.format("%Y-%m-%d")),
                    None => "live".to_owned(),
                };
                println!("hr_{}_…  {:<12} {:<8} {}", k.prefix, k.role, state, k.name);
            }
        }
        Action::Revoke { prefix } => {
            let prefix = prefix
                .trim_start_matches("hr_")
                .split('_')
                .next()
                .unwrap_or_default();
            let k = keys::revoke_key(&store, prefix).await?;
            println!("revoked hr_{}_… ({})", k.prefix, k.name);
        }
    }
    Ok(())
}
