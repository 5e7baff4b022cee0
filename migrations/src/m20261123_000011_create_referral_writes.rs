//! What the referral lifecycle and service search write: idempotency keys
//! (stored in the same transaction as the write they guard), link workers'
//! reports of searches that found nothing, and the ages a service takes.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000011_create_referral_writes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("idempotency_key")
                    .col(id())
                    .col(big("api_key_id"))
                    .col(text("key"))
                    .col(text("operation"))
                    // SHA-256 of the request, so a key reused for a different
                    // request is refused rather than answered with the wrong result.
                    .col(text("request_hash"))
                    .col(big_null("referral_id"))
                    .col(big_null("referral_event_id"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut fk("idempotency_key", "api_key_id", "api_key"))
                    .foreign_key(&mut fk("idempotency_key", "referral_id", "referral"))
                    .foreign_key(&mut fk(
                        "idempotency_key",
                        "referral_event_id",
                        "referral_event",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("unmet_need_report")
                    .col(id())
                    .col(big("unmet_need_id"))
                    .col(big("ward_id"))
                    .col(big_null("gateway_id"))
                    .col(text("reason"))
                    .col(text_null("note"))
                    .col(big_null("recorded_by"))
                    .col(timestamp("recorded_at"))
                    .check(one_of(
                        "reason",
                        &["no_service_nearby", "lacks_capability", "all_full"],
                    ))
                    .foreign_key(&mut fk("unmet_need_report", "unmet_need_id", "unmet_need"))
                    .foreign_key(&mut fk("unmet_need_report", "ward_id", "area"))
                    .foreign_key(&mut fk("unmet_need_report", "gateway_id", "gateway"))
                    .foreign_key(&mut fk("unmet_need_report", "recorded_by", "api_key"))
                    .take(),
            )
            .await?;
        for column in ["min_age", "max_age"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("service"))
                        .add_column(int_null(column))
                        .take(),
                )
                .await?;
        }
        create_indexes(
            manager,
            vec![
                unique_index("idempotency_key", &["api_key_id", "key"]),
                index("unmet_need_report", &["unmet_need_id", "recorded_at"]),
                // Service search starts from the wards near a person's ward.
                index("area", &["kind", "latitude"]),
                index("referral_event", &["referral_id", "id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["min_age", "max_age"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new("service"))
                        .drop_column(Alias::new(column))
                        .take(),
                )
                .await?;
        }
        drop(manager, &["unmet_need_report", "idempotency_key"]).await
    }
}
