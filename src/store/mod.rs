//! Database access. Only this module writes SQL or knows sea-orm; it returns
//! entity models and plain aggregates, and takes plain filters.

pub mod areas;
pub mod connect;
pub mod entity;
pub mod explain;
pub mod flows;
pub mod funding;
pub mod funding_gaps;
pub mod gateways;
pub mod keys;
pub mod lifecycle;
pub mod matching;
pub mod metrics;
pub mod organisations;
pub mod page;
pub mod referrals;
pub mod services;
pub mod sql;
pub mod uncommissioned;
pub mod unmet_needs;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, TransactionTrait,
};

use crate::error::AppResult;

/// The database, and a count of the statements sent to it (exported on
/// `/metrics`; tests use it to prove that a query is not N+1).
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

impl Store {
    pub fn new(mut db: DatabaseConnection) -> Self {
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Self { db, statements }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub async fn begin(&self) -> AppResult<DatabaseTransaction> {
        Ok(self.db.begin().await?)
    }

    pub async fn ping(&self) -> AppResult<()> {
        Ok(self.db.ping().await?)
    }
}

impl Store {
    /// Refreshes the planner's statistics after a bulk load.
    pub async fn analyze(&self) -> AppResult<()> {
        use sea_orm::{ConnectionTrait, Statement};
        self.db
            .execute(Statement::from_string(self.backend(), "ANALYZE"))
            .await?;
        Ok(())
    }
}
