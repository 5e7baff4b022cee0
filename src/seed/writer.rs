//! Writes generated rows in multi-row INSERTs, table by table in foreign-key
//! order, with a progress bar; on PostgreSQL, moves each id sequence past
//! the ids the seed chose.

use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, Iterable,
    Statement,
};

use crate::error::AppResult;

/// SQLite accepts at most 32,766 bound values in one statement.
const MAX_BOUND_VALUES: usize = 30_000;
const MAX_ROWS_PER_STATEMENT: usize = 1_000;

pub struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    progress: ProgressBar,
}

impl<'a> Writer<'a> {
    pub fn new(txn: &'a DatabaseTransaction, total_rows: u64, show: bool) -> Self {
        let progress = if show {
            ProgressBar::new(total_rows)
        } else {
            ProgressBar::hidden()
        };
        progress.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:<22} [{bar:30}] {human_pos}/{human_len} rows, {per_sec}, eta {eta}",
            )
            .expect("a valid progress template")
            .progress_chars("=> "),
        );
        Self { txn, progress }
    }

    pub async fn insert<A>(&self, table: &str, rows: Vec<A>) -> AppResult<()>
    where
        A: ActiveModelTrait + Send,
        <A::Entity as EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
    {
        self.progress.set_message(table.to_owned());
        let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
        let chunk = (MAX_BOUND_VALUES / columns).clamp(1, MAX_ROWS_PER_STATEMENT);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<A> = rows.by_ref().take(chunk).collect();
            let n = batch.len() as u64;
            <A::Entity as EntityTrait>::insert_many(batch)
                .exec_without_returning(self.txn)
                .await?;
            self.progress.inc(n);
        }
        Ok(())
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

    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }
}
