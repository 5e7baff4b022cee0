//! The researchers' audit trail: every aggregate question asked, by whom
//! and when, what it asked, how many figures it returned and how many of
//! them were suppressed, or why it was refused.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000015_create_analytics_audit"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("analytics_audit")
                    .col(id())
                    .col(big("key_id"))
                    .col(timestamp("asked_at"))
                    // The question as asked (measures, dimensions, filters,
                    // window), as JSON.
                    .col(text("question"))
                    // How it went out: "graphql", "csv" or "parquet".
                    .col(text("channel"))
                    .col(int("cells"))
                    .col(int("figures"))
                    .col(int("suppressed"))
                    // Null when answered; the error code when refused.
                    .col(text_null("refused"))
                    .foreign_key(&mut fk("analytics_audit", "key_id", "api_key"))
                    .take(),
            )
            .await?;
        create_indexes(manager, vec![index("analytics_audit", &["asked_at"])]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("analytics_audit"))
                    .to_owned(),
            )
            .await
    }
}
