//! Database access. Only this module writes SQL or knows sea-orm; it returns
//! entity models and plain aggregates, and takes plain filters.

pub mod analytics;
pub mod analytics_audit;
pub mod analytics_services;
pub mod areas;
pub mod bench;
pub mod connect;
pub mod entity;
pub mod error;
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
pub mod scenario_history;
pub mod scenarios;
pub mod seed_writer;
pub mod services;
pub mod sql;
pub mod uncommissioned;
pub mod unmet_needs;

use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait, IntoActiveModel, Iterable, ModelTrait, PrimaryKeyToColumn, TransactionTrait,
};

use crate::error::AppResult;

/// The id in a row the database numbers as it is written: `numbered`
/// leaves it out of the INSERT.
pub const NUMBERED_BY_THE_DATABASE: i64 = 0;

/// The active model of a row type.
type Active<M> = <<M as ModelTrait>::Entity as EntityTrait>::ActiveModel;

/// A row to insert with its primary key left to the database.
fn numbered<M>(row: M) -> Active<M>
where
    M: ModelTrait + IntoActiveModel<Active<M>>,
{
    let mut active = row.into_active_model();
    for key in <M::Entity as EntityTrait>::PrimaryKey::iter() {
        active.not_set(key.into_column());
    }
    active
}

/// The database, and a count of the statements sent to it (exported on
/// `/metrics`; tests use it to prove that a query is not N+1).
///
/// A request works through its own copy, made by `for_request`, whose
/// `lanes` bound how many statements it has in flight at once: a query
/// with ten aliased aggregates runs them a few at a time instead of taking
/// the whole pool from every other caller.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    statements: Arc<AtomicU64>,
    lanes: Option<Arc<Semaphore>>,
}

/// How many of the pool's connections are open and idle, and its size.
#[derive(Debug, Clone, Copy)]
pub struct PoolUse {
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

/// A database connection to run statements on, holding one of the
/// request's lanes until dropped.
pub struct Lane<'a> {
    db: &'a DatabaseConnection,
    _permit: Option<SemaphorePermit<'a>>,
}

impl Deref for Lane<'_> {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        self.db
    }
}

impl Store {
    pub fn new(mut db: DatabaseConnection) -> Self {
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Self {
            db,
            statements,
            lanes: None,
        }
    }

    /// A copy for one request that holds at most `connections` database
    /// connections at once (at least one).
    pub fn for_request(&self, connections: usize) -> Self {
        Self {
            lanes: Some(Arc::new(Semaphore::new(connections.max(1)))),
            ..self.clone()
        }
    }

    /// The database, after waiting for one of the request's lanes. Every
    /// read a request makes goes through here.
    pub async fn lane(&self) -> AppResult<Lane<'_>> {
        let permit = match &self.lanes {
            Some(lanes) => Some(lanes.acquire().await.map_err(|_| {
                crate::error::AppError::Internal("a request's lanes were closed".into())
            })?),
            None => None,
        };
        Ok(Lane {
            db: &self.db,
            _permit: permit,
        })
    }

    /// The database without a lane: for transactions (a request's
    /// mutations run one after another), the command line, seed and bench.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Connections open, idle and allowed in the pool.
    pub fn pool_use(&self) -> PoolUse {
        match self.backend() {
            DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                PoolUse {
                    open: pool.size(),
                    idle: pool.num_idle(),
                    max: pool.options().get_max_connections(),
                }
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                PoolUse {
                    open: pool.size(),
                    idle: pool.num_idle(),
                    max: pool.options().get_max_connections(),
                }
            }
        }
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
