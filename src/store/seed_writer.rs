//! Writes the seed's generated rows in multi-row INSERTs, table by table in
//! foreign-key order, in one transaction, counting rows and showing
//! progress place by place; on PostgreSQL, moves each id sequence past the
//! ids the seed chose.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    IntoActiveModel, Iterable, ModelTrait, PaginatorTrait, Statement, TransactionTrait,
};

use super::entity::organisation;
use super::{numbered, Active, Store};
use crate::error::AppResult;

/// SQLite accepts at most 32,766 bound values in one statement.
const MAX_BOUND_VALUES: usize = 30_000;
const MAX_ROWS_PER_STATEMENT: usize = 1_000;

/// Whether the database holds no organisations yet.
pub async fn is_empty(store: &Store) -> AppResult<bool> {
    Ok(organisation::Entity::find().count(store.db()).await? == 0)
}

pub struct Writer {
    txn: DatabaseTransaction,
    progress: ProgressBar,
    rows: u64,
    started: Instant,
}

impl Writer {
    /// Starts the seed's transaction, with progress that counts `places`
    /// (local authorities).
    pub async fn begin(store: &Store, places: u64, show: bool) -> AppResult<Self> {
        let txn = store.db().begin().await?;
        let progress = if show {
            ProgressBar::new(places)
        } else {
            ProgressBar::hidden()
        };
        progress.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} areas  {msg}  eta {eta}",
            )
            .expect("a valid progress template")
            .progress_chars("=> "),
        );
        Ok(Self {
            txn,
            progress,
            rows: 0,
            started: Instant::now(),
        })
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes rows with the ids the seed gave them.
    pub async fn insert<M>(&mut self, rows: Vec<M>) -> AppResult<()>
    where
        M: ModelTrait + IntoActiveModel<Active<M>>,
        M::Entity: EntityTrait<Model = M>,
        Active<M>: Send,
    {
        self.write(
            rows.into_iter()
                .map(IntoActiveModel::into_active_model)
                .collect(),
        )
        .await
    }

    /// Writes rows the database numbers: their ids
    /// (`NUMBERED_BY_THE_DATABASE`) are left out of the INSERT.
    pub async fn insert_numbered<M>(&mut self, rows: Vec<M>) -> AppResult<()>
    where
        M: ModelTrait + IntoActiveModel<Active<M>>,
        M::Entity: EntityTrait<Model = M>,
        Active<M>: Send,
    {
        self.write(rows.into_iter().map(numbered).collect()).await
    }

    async fn write<A>(&mut self, rows: Vec<A>) -> AppResult<()>
    where
        A: ActiveModelTrait + Send,
        <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    {
        let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
        let chunk = (MAX_BOUND_VALUES / columns).clamp(1, MAX_ROWS_PER_STATEMENT);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<A> = rows.by_ref().take(chunk).collect();
            let n = batch.len() as u64;
            <A::Entity as EntityTrait>::insert_many(batch)
                .exec_without_returning(&self.txn)
                .await?;
            self.rows += n;
        }
        Ok(())
    }

    /// One more place written.
    pub fn place_done(&mut self, name: &str) {
        let per_second = self.rows as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
        self.progress.set_message(format!(
            "{} rows, {per_second:.0} rows/s, last {name}",
            self.rows
        ));
        self.progress.inc(1);
    }

    /// On PostgreSQL, explicit ids leave the sequence behind; move it on.
    pub async fn reset_sequences(&self, tables: &[&str]) -> AppResult<()> {
        if self.txn.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for table in tables {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            );
            self.txn
                .execute(Statement::from_string(DbBackend::Postgres, sql))
                .await?;
        }
        Ok(())
    }

    /// Commits everything written; returns the rows written.
    pub async fn commit(self) -> AppResult<u64> {
        self.progress.finish_and_clear();
        self.txn.commit().await?;
        Ok(self.rows)
    }
}
