//! API keys: only a SHA-256 hash of each key is kept. A provider key is bound
//! to one organisation, a link worker key to one gateway.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000004_create_api_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("api_key")
                    .col(id())
                    .col(text("name"))
                    .col(text("prefix"))
                    .col(text("hash"))
                    .col(text("role"))
                    .col(big_null("organisation_id"))
                    .col(big_null("gateway_id"))
                    .col(timestamp("created_at"))
                    .col(timestamp_null("revoked_at"))
                    .check(one_of(
                        "role",
                        &[
                            "admin",
                            "commissioner",
                            "link_worker",
                            "provider",
                            "researcher",
                        ],
                    ))
                    .check(check("role <> 'provider' OR organisation_id IS NOT NULL"))
                    .check(check("role <> 'link_worker' OR gateway_id IS NOT NULL"))
                    .foreign_key(&mut fk("api_key", "organisation_id", "organisation"))
                    .foreign_key(&mut fk("api_key", "gateway_id", "gateway"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("api_key", &["hash"]),
                unique_index("api_key", &["prefix"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["api_key"]).await
    }
}
