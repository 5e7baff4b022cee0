//! Referrals (pseudonymous, no personal details) and their append-only events.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000006_create_referrals"
    }
}

const STATES: &[&str] = &[
    "received",
    "sent",
    "accepted",
    "wait_listed",
    "declined",
    "started",
    "completed",
    "did_not_attend",
    "withdrawn",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("referral")
                    .col(id())
                    .col(text("reference"))
                    .col(big("gateway_id"))
                    .col(big_null("service_id"))
                    .col(text("age_band"))
                    .col(big("residence_ward_id"))
                    .col(text_null("preferred_language"))
                    .col(text("state"))
                    .col(int("version"))
                    .col(timestamp("received_at"))
                    .col(timestamp("updated_at"))
                    .check(one_of("state", STATES))
                    .check(one_of(
                        "age_band",
                        &[
                            "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_74",
                            "75_84", "85_plus",
                        ],
                    ))
                    .check(check("version >= 1"))
                    .foreign_key(&mut fk("referral", "gateway_id", "gateway"))
                    .foreign_key(&mut fk("referral", "service_id", "service"))
                    .foreign_key(&mut fk("referral", "residence_ward_id", "area"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("referral_need")
                    .col(big("referral_id"))
                    .col(text("need_code"))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("referral_id"))
                            .col(Alias::new("need_code")),
                    )
                    .foreign_key(&mut fk("referral_need", "referral_id", "referral"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_referral_need_need_code")
                            .from(Alias::new("referral_need"), Alias::new("need_code"))
                            .to(Alias::new("need"), Alias::new("code")),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("referral_event")
                    .col(id())
                    .col(big("referral_id"))
                    .col(text_null("from_state"))
                    .col(text("to_state"))
                    .col(big_null("service_id"))
                    .col(timestamp("occurred_at"))
                    // The UTC day of occurred_at, kept beside it so that day
                    // arithmetic and indexes work the same on both engines.
                    .col(date("occurred_on"))
                    .col(text_null("actor_role"))
                    .col(big_null("actor_key_id"))
                    .col(text_null("reason"))
                    .col(text_null("capability_kind"))
                    .col(text_null("capability_code"))
                    .col(text_null("note"))
                    .check(one_of("to_state", STATES))
                    .check(check(
                        "reason IS NULL OR reason IN ('capacity', 'capability', 'eligibility', 'person_declined', 'other')",
                    ))
                    .foreign_key(&mut fk("referral_event", "referral_id", "referral"))
                    .foreign_key(&mut fk("referral_event", "service_id", "service"))
                    .foreign_key(&mut fk("referral_event", "actor_key_id", "api_key"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                unique_index("referral", &["reference"]),
                index("referral", &["gateway_id"]),
                index("referral", &["service_id"]),
                index("referral", &["residence_ward_id"]),
                index("referral_need", &["need_code"]),
                index("referral_event", &["referral_id"]),
                index("referral_event", &["service_id", "to_state", "occurred_on"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["referral_event", "referral_need", "referral"]).await
    }
}
