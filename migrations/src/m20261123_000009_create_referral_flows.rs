//! Referral flows: one row per episode of a referral at a service (from each
//! `sent` to the next), with the days the measures need. Derived from the
//! events and rewritten with them, so the measures read one row per episode
//! instead of every event.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000009_create_referral_flows"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("referral_flow")
                    .col(id())
                    .col(big("referral_id"))
                    .col(big("service_id"))
                    .col(big("gateway_id"))
                    .col(date_null("demand_on"))
                    .col(date_null("waitlisted_on"))
                    .col(date_null("waitlist_end_on"))
                    .col(date_null("accepted_on"))
                    .col(date_null("declined_on"))
                    .col(text_null("decline_reason"))
                    .col(date_null("started_on"))
                    .col(date_null("ended_on"))
                    .col(date_null("wait_from_on"))
                    .foreign_key(&mut fk("referral_flow", "referral_id", "referral"))
                    .foreign_key(&mut fk("referral_flow", "service_id", "service"))
                    .foreign_key(&mut fk("referral_flow", "gateway_id", "gateway"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("referral_flow", &["service_id"]),
                index("referral_flow", &["referral_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["referral_flow"]).await
    }
}
