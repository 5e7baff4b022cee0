//! Funding awards (shaped after the 360Giving standard), uncommissioned
//! contributions and skills.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000007_create_funding"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("funding_award")
                    .col(id())
                    .col(text("identifier"))
                    .col(text("title"))
                    .col(text_null("description"))
                    .col(text("funder_name"))
                    .col(text_null("funder_identifier"))
                    .col(big("recipient_organisation_id"))
                    .col(big_null("service_id"))
                    .col(text("kind"))
                    .col(big("amount_pence"))
                    .col(big_null("tariff_pence"))
                    .col(text("currency"))
                    .col(date("award_date"))
                    .col(date_null("planned_start"))
                    .col(date_null("planned_end"))
                    .col(timestamp("created_at"))
                    .check(one_of(
                        "kind",
                        &["grant", "contract", "per_referral_tariff", "in_kind"],
                    ))
                    .check(check("amount_pence >= 0"))
                    .check(check("tariff_pence IS NULL OR tariff_pence >= 0"))
                    .check(check("length(currency) = 3"))
                    .check(check(
                        "planned_start IS NULL OR planned_end IS NULL OR planned_end >= planned_start",
                    ))
                    .foreign_key(&mut fk(
                        "funding_award",
                        "recipient_organisation_id",
                        "organisation",
                    ))
                    .foreign_key(&mut fk("funding_award", "service_id", "service"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("contribution")
                    .col(id())
                    .col(big("organisation_id"))
                    .col(big_null("service_id"))
                    .col(text("kind"))
                    .col(int("minutes"))
                    .col(date("period_start"))
                    .col(date("period_end"))
                    .col(text_null("note"))
                    .col(big_null("recorded_by"))
                    .col(timestamp("recorded_at"))
                    .check(one_of(
                        "kind",
                        &[
                            "interpreting",
                            "accompanying",
                            "advocacy",
                            "initiating_referrals",
                            "other",
                        ],
                    ))
                    .check(check("minutes > 0"))
                    .check(check("period_end >= period_start"))
                    .foreign_key(&mut fk("contribution", "organisation_id", "organisation"))
                    .foreign_key(&mut fk("contribution", "service_id", "service"))
                    .foreign_key(&mut fk("contribution", "recorded_by", "api_key"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("skill")
                    .col(id())
                    .col(big("organisation_id"))
                    .col(text("skill"))
                    .col(int("volunteers"))
                    .col(int("paid_staff"))
                    .col(timestamp("updated_at"))
                    .check(check("volunteers >= 0 AND paid_staff >= 0"))
                    .foreign_key(&mut fk("skill", "organisation_id", "organisation"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("funding_award", &["identifier"]),
                index("funding_award", &["recipient_organisation_id"]),
                index("funding_award", &["service_id"]),
                index("contribution", &["organisation_id", "period_start"]),
                unique_index("skill", &["organisation_id", "skill"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["skill", "contribution", "funding_award"]).await
    }
}
