//! The area hierarchy (ICB → local authority → ward, with ONS codes), primary
//! care networks and GP practices (ODS codes).

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_create_areas"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("area")
                    .col(id())
                    .col(text("code"))
                    .col(text("name"))
                    .col(text("kind"))
                    .col(big_null("parent_id"))
                    .col(double_null("latitude"))
                    .col(double_null("longitude"))
                    .check(one_of("kind", &["icb", "local_authority", "ward"]))
                    .foreign_key(&mut fk("area", "parent_id", "area"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("pcn")
                    .col(id())
                    .col(text("code"))
                    .col(text("name"))
                    .col(big("icb_id"))
                    .foreign_key(&mut fk("pcn", "icb_id", "area"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("gp_practice")
                    .col(id())
                    .col(text("code"))
                    .col(text("name"))
                    .col(big("pcn_id"))
                    .col(big("ward_id"))
                    .foreign_key(&mut fk("gp_practice", "pcn_id", "pcn"))
                    .foreign_key(&mut fk("gp_practice", "ward_id", "area"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("area", &["code"]),
                index("area", &["parent_id"]),
                index("area", &["kind"]),
                unique_index("pcn", &["code"]),
                index("pcn", &["icb_id"]),
                unique_index("gp_practice", &["code"]),
                index("gp_practice", &["pcn_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["gp_practice", "pcn", "area"]).await
    }
}
