//! A search can find nothing because every service near the person is for
//! another age (`not_for_their_age`); the reports table's list of reasons
//! lacked it, so recording such a search failed. The list is widened.
//! PostgreSQL swaps the CHECK constraint; SQLite cannot alter one, so the
//! table (which nothing references) is rebuilt with its rows and index,
//! in one transaction.

use crate::columns::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, TransactionTrait};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000012_widen_no_fit_reasons"
    }
}

const REASONS: &[&str] = &[
    "no_service_nearby",
    "lacks_capability",
    "not_for_their_age",
    "all_full",
];

const OLD_REASONS: &[&str] = &["no_service_nearby", "lacks_capability", "all_full"];

/// The table as it stands, with `reasons` as its list.
fn reports(name: &str, reasons: &[&str]) -> TableCreateStatement {
    table(name)
        .col(id())
        .col(big("unmet_need_id"))
        .col(big("ward_id"))
        .col(big_null("gateway_id"))
        .col(text("reason"))
        .col(text_null("note"))
        .col(big_null("recorded_by"))
        .col(timestamp("recorded_at"))
        .check(one_of("reason", reasons))
        .foreign_key(&mut fk("unmet_need_report", "unmet_need_id", "unmet_need"))
        .foreign_key(&mut fk("unmet_need_report", "ward_id", "area"))
        .foreign_key(&mut fk("unmet_need_report", "gateway_id", "gateway"))
        .foreign_key(&mut fk("unmet_need_report", "recorded_by", "api_key"))
        .take()
}

async fn set_reasons(manager: &SchemaManager<'_>, reasons: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let list = reasons
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    match manager.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "ALTER TABLE unmet_need_report DROP CONSTRAINT unmet_need_report_reason_check",
            )
            .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE unmet_need_report ADD CONSTRAINT unmet_need_report_reason_check
                     CHECK (reason IN ({list}))"
            ))
            .await?;
        }
        backend => {
            // One connection throughout: a pooled connection whose cached
            // schema predates the DROP would refuse the RENAME ("already
            // another table") without rereading the schema.
            let txn = db.begin().await?;
            txn.execute(backend.build(&reports("unmet_need_report_next", reasons)))
                .await?;
            for statement in [
                "INSERT INTO unmet_need_report_next SELECT * FROM unmet_need_report",
                "DROP TABLE unmet_need_report",
                "ALTER TABLE unmet_need_report_next RENAME TO unmet_need_report",
            ] {
                txn.execute_unprepared(statement).await?;
            }
            txn.execute(backend.build(&index(
                "unmet_need_report",
                &["unmet_need_id", "recorded_at"],
            )))
            .await?;
            txn.commit().await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_reasons(manager, REASONS).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_reasons(manager, OLD_REASONS).await
    }
}
