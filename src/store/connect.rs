//! Opening the database. The URL alone decides the engine; each engine gets
//! its safe settings here.

use std::time::Duration;

use headroom_migrations::MigratorTrait;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database};

use super::Store;
use crate::config::DatabaseSettings;
use crate::error::{AppError, AppResult};

pub async fn connect(settings: &DatabaseSettings) -> AppResult<Store> {
    let url = settings.url.expose().to_owned();
    let mut options = ConnectOptions::new(url.clone());
    let statement_timeout_ms = settings.statement_timeout.as_millis();
    options
        .max_connections(settings.max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(settings.acquire_timeout_secs))
        // Only statements slower than the threshold are logged, at warn.
        .sqlx_logging(settings.slow_statement_ms > 0)
        .sqlx_logging_level(log::LevelFilter::Off)
        .sqlx_slow_statements_logging_settings(
            log::LevelFilter::Warn,
            Duration::from_millis(settings.slow_statement_ms),
        )
        // SQLite: WAL so that readers never wait for the writer; FULL
        // synchronous because NORMAL can lose acknowledged commits on power loss.
        .map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .create_if_missing(true)
        })
        .map_sqlx_postgres_opts(move |o: PgConnectOptions| {
            // JIT compiling a dashboard aggregate costs seconds on a small
            // machine and saves less than it costs: the statements here are
            // planned fresh with each window.
            o.options([
                ("statement_timeout", format!("{statement_timeout_ms}")),
                ("jit", "off".to_owned()),
            ])
        });
    let db = Database::connect(options).await.map_err(|e| {
        AppError::Internal(format!(
            "cannot open the database at {}: {e}",
            settings.url.redacted()
        ))
    })?;
    Ok(Store::new(db))
}

/// Applies every pending migration.
pub async fn migrate(store: &Store) -> AppResult<()> {
    headroom_migrations::Migrator::up(store.db(), None).await?;
    Ok(())
}
