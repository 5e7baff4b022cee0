//! The unmet-needs risk register.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000008_create_unmet_needs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("unmet_need")
                    .col(id())
                    .col(big("area_id"))
                    .col(text("need_code"))
                    .col(text_null("capability_kind"))
                    .col(text_null("capability_code"))
                    .col(text("evidence"))
                    .col(int("likelihood"))
                    .col(int("impact"))
                    .col(text_null("action"))
                    .col(text_null("owner"))
                    .col(date_null("review_date"))
                    .col(text("status"))
                    .col(big_null("created_by"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .check(check("likelihood BETWEEN 1 AND 5"))
                    .check(check("impact BETWEEN 1 AND 5"))
                    .check(one_of("status", &["open", "mitigating", "closed"]))
                    .check(check(
                        "(capability_kind IS NULL) = (capability_code IS NULL)",
                    ))
                    .foreign_key(&mut fk("unmet_need", "area_id", "area"))
                    .foreign_key(&mut fk("unmet_need", "created_by", "api_key"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_unmet_need_need_code")
                            .from(Alias::new("unmet_need"), Alias::new("need_code"))
                            .to(Alias::new("need"), Alias::new("code")),
                    )
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("unmet_need", &["area_id", "need_code"]),
                index("unmet_need", &["status"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["unmet_need"]).await
    }
}
