//! Needs (the coded reasons for referral), services, what they address and
//! offer, and their versioned capacity and status.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_create_services"
    }
}

/// The need codes at first release. A later code is added by a new migration
/// inserting into `need`, so SQLite never has to rebuild a table for it.
const NEEDS: &[(&str, &str)] = &[
    ("loneliness", "Loneliness and social isolation"),
    ("mental_wellbeing", "Mental wellbeing"),
    ("dementia", "Dementia"),
    ("carer_support", "Carer support"),
    ("financial", "Money, debt and benefits"),
    ("housing", "Housing"),
    ("physical_activity", "Physical activity"),
    ("healthy_eating", "Healthy eating"),
    ("long_term_condition", "Living with a long-term condition"),
    ("employment", "Employment, training and volunteering"),
    ("bereavement", "Bereavement"),
    ("digital_inclusion", "Digital inclusion"),
    ("english_language", "English language (ESOL)"),
    ("parenting", "Parenting and family support"),
    ("substance_use", "Alcohol and substance use"),
    ("falls_prevention", "Falls prevention"),
];

const CAPABILITY_KINDS: &[&str] = &[
    "language",
    "accessibility",
    "culture",
    "faith",
    "dietary",
    "condition",
    "gender",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("need")
                    .col(
                        ColumnDef::new(Alias::new("code"))
                            .text()
                            .not_null()
                            .primary_key(),
                    )
                    .col(text("label"))
                    .col(int("sort_order"))
                    .take(),
            )
            .await?;
        let mut insert = Query::insert()
            .into_table(Alias::new("need"))
            .columns([
                Alias::new("code"),
                Alias::new("label"),
                Alias::new("sort_order"),
            ])
            .to_owned();
        for (i, (code, label)) in NEEDS.iter().enumerate() {
            insert.values_panic([(*code).into(), (*label).into(), (i as i32).into()]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                table("service")
                    .col(id())
                    .col(big("organisation_id"))
                    .col(big_null("location_id"))
                    .col(text("name"))
                    .col(text("description"))
                    .col(big_null("unit_cost_pence"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .check(check("length(name) > 0"))
                    .check(check("unit_cost_pence IS NULL OR unit_cost_pence >= 0"))
                    .foreign_key(&mut fk("service", "organisation_id", "organisation"))
                    .foreign_key(&mut fk("service", "location_id", "location"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("service_need")
                    .col(big("service_id"))
                    .col(text("need_code"))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("service_id"))
                            .col(Alias::new("need_code")),
                    )
                    .foreign_key(&mut fk("service_need", "service_id", "service"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_need_need_code")
                            .from(Alias::new("service_need"), Alias::new("need_code"))
                            .to(Alias::new("need"), Alias::new("code")),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("service_capability")
                    .col(big("service_id"))
                    .col(text("kind"))
                    .col(text("code"))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("service_id"))
                            .col(Alias::new("kind"))
                            .col(Alias::new("code")),
                    )
                    .check(one_of("kind", CAPABILITY_KINDS))
                    .foreign_key(&mut fk("service_capability", "service_id", "service"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("capacity_version")
                    .col(id())
                    .col(big("service_id"))
                    .col(date("valid_from"))
                    .col(int_null("places_per_week"))
                    .col(int_null("caseload_max"))
                    .col(text_null("note"))
                    .col(big_null("recorded_by"))
                    .col(timestamp("recorded_at"))
                    .check(check("places_per_week IS NULL OR places_per_week >= 0"))
                    .check(check("caseload_max IS NULL OR caseload_max >= 0"))
                    .check(check(
                        "places_per_week IS NOT NULL OR caseload_max IS NOT NULL",
                    ))
                    .foreign_key(&mut fk("capacity_version", "service_id", "service"))
                    .foreign_key(&mut fk("capacity_version", "recorded_by", "api_key"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("service_status")
                    .col(id())
                    .col(big("service_id"))
                    .col(text("status"))
                    .col(date("valid_from"))
                    .col(timestamp("confirmed_at"))
                    .col(text_null("note"))
                    .col(big_null("recorded_by"))
                    .check(one_of(
                        "status",
                        &["open", "limited", "full", "paused", "closed"],
                    ))
                    .foreign_key(&mut fk("service_status", "service_id", "service"))
                    .foreign_key(&mut fk("service_status", "recorded_by", "api_key"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("service", &["organisation_id"]),
                index("service", &["location_id"]),
                index("service_need", &["need_code", "service_id"]),
                index("service_capability", &["kind", "code", "service_id"]),
                index("capacity_version", &["service_id", "valid_from"]),
                index("service_status", &["service_id", "valid_from"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "service_status",
                "capacity_version",
                "service_capability",
                "service_need",
                "service",
                "need",
            ],
        )
        .await
    }
}
