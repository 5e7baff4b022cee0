//! Organisations (VCS and statutory) and the locations (venues) they use.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000002_create_organisations"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("organisation")
                    .col(id())
                    .col(text("name"))
                    .col(text("kind"))
                    .col(text_null("org_identifier"))
                    .col(text_null("charity_number"))
                    .col(text_null("company_number"))
                    .col(boolean("community_anchor", false))
                    .col(big_null("ward_id"))
                    .col(timestamp("created_at"))
                    .check(check("length(name) > 0"))
                    .foreign_key(&mut fk("organisation", "ward_id", "area"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("location")
                    .col(id())
                    .col(big_null("organisation_id"))
                    .col(text("name"))
                    .col(text("kind"))
                    .col(big("ward_id"))
                    .col(text_null("postcode"))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .col(timestamp("created_at"))
                    .check(check("length(name) > 0"))
                    .foreign_key(&mut fk("location", "organisation_id", "organisation"))
                    .foreign_key(&mut fk("location", "ward_id", "area"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("organisation", &["org_identifier"]),
                index("organisation", &["ward_id"]),
                index("location", &["organisation_id"]),
                index("location", &["ward_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["location", "organisation"]).await
    }
}
