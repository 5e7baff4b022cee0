//! Gateways: the routes that generate referrals (social prescribing per PCN,
//! Local Area Co-ordination, Community Health Champions, …).

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000003_create_gateways"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("gateway")
                    .col(id())
                    .col(text("kind"))
                    .col(text("name"))
                    .col(big_null("pcn_id"))
                    .col(big_null("area_id"))
                    .col(big_null("host_organisation_id"))
                    .col(timestamp("created_at"))
                    .check(one_of(
                        "kind",
                        &[
                            "social_prescribing",
                            "local_area_coordination",
                            "community_health_champions",
                            "health_trainers",
                            "self_referral",
                            "other",
                        ],
                    ))
                    .foreign_key(&mut fk("gateway", "pcn_id", "pcn"))
                    .foreign_key(&mut fk("gateway", "area_id", "area"))
                    .foreign_key(&mut fk("gateway", "host_organisation_id", "organisation"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("gateway", &["pcn_id"]),
                index("gateway", &["area_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["gateway"]).await
    }
}
