//! Scenarios and their runs: a commissioner's "what if" with its changes,
//! and each run kept with the data and defaults it used, its result for
//! every service it projected, and the demand nothing could absorb.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000013_create_scenarios"
    }
}

fn double(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).double().not_null().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                table("scenario")
                    .col(id())
                    .col(text("name"))
                    .col(text_null("description"))
                    .col(big("owner_key_id"))
                    // The parsed changes and settings, as JSON; written only
                    // after every field was checked.
                    .col(text("definition"))
                    .col(date("baseline_from"))
                    .col(date("baseline_to"))
                    .col(big_null("copied_from"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .col(timestamp_null("archived_at"))
                    .check(check("baseline_from < baseline_to"))
                    .foreign_key(&mut fk("scenario", "owner_key_id", "api_key"))
                    .foreign_key(&mut fk("scenario", "copied_from", "scenario"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("scenario_run")
                    .col(id())
                    .col(big("scenario_id"))
                    .col(big("ran_by"))
                    .col(timestamp("ran_at"))
                    .col(date_null("data_as_of"))
                    .col(date("baseline_from"))
                    .col(date("baseline_to"))
                    // The definition as it was run, and every figure the run
                    // took as given (defaults and history) with its source.
                    .col(text("definition"))
                    .col(text("assumptions"))
                    // Added, routed, unabsorbed and removed, week by week.
                    .col(text("ledger"))
                    .col(int("services"))
                    .col(int("services_changed"))
                    .col(big("staff_cost_pence"))
                    .col(big("new_funding_pence"))
                    .col(big("elapsed_ms"))
                    .foreign_key(&mut fk("scenario_run", "scenario_id", "scenario"))
                    .foreign_key(&mut fk("scenario_run", "ran_by", "api_key"))
                    .take(),
            )
            .await?;
        let mut service = table("scenario_run_service");
        service
            .col(id())
            .col(big("run_id"))
            // None for a service the scenario adds (then `new_service`
            // names it).
            .col(big_null("service_id"))
            .col(text_null("new_service"))
            .col(big("organisation_id"))
            .col(big_null("ward_id"))
            .col(boolean("changed", false));
        for side in ["before", "after"] {
            service
                .col(double(&format!("{side}_arrivals")))
                .col(double(&format!("{side}_rate")))
                .col(double_null(&format!("{side}_utilisation")))
                .col(double_null(&format!("{side}_peak_utilisation")))
                .col(double(&format!("{side}_peak_waiting")))
                .col(double_null(&format!("{side}_peak_wait_days")))
                .col(int_null(&format!("{side}_first_week_over")))
                .col(int(&format!("{side}_weeks_over")))
                .col(double(&format!("{side}_extra_places")))
                .col(big_null(&format!("{side}_funding_pence")));
        }
        for band in ["peak_waiting", "peak_wait_days"] {
            for p in ["p10", "p50", "p90"] {
                service.col(double_null(&format!("{band}_{p}")));
            }
        }
        service
            // Week by week, as JSON arrays.
            .col(text("series"))
            .check(check("(service_id IS NULL) = (new_service IS NOT NULL)"))
            .foreign_key(&mut fk("scenario_run_service", "run_id", "scenario_run"))
            .foreign_key(&mut fk("scenario_run_service", "service_id", "service"))
            .foreign_key(&mut fk(
                "scenario_run_service",
                "organisation_id",
                "organisation",
            ))
            .foreign_key(&mut fk("scenario_run_service", "ward_id", "area"));
        manager.create_table(service.take()).await?;
        manager
            .create_table(
                table("scenario_run_need")
                    .col(big("run_service_id"))
                    .col(text("need_code"))
                    .primary_key(
                        Index::create()
                            .col(Alias::new("run_service_id"))
                            .col(Alias::new("need_code")),
                    )
                    .foreign_key(&mut fk(
                        "scenario_run_need",
                        "run_service_id",
                        "scenario_run_service",
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                table("scenario_run_unabsorbed")
                    .col(id())
                    .col(big("run_id"))
                    .col(big("ward_id"))
                    .col(text("need_code"))
                    .col(text("reason"))
                    .col(text_null("capability_kind"))
                    .col(text_null("capability_code"))
                    .col(double("total"))
                    .col(double("peak_per_week"))
                    .col(text("per_week"))
                    .check(one_of(
                        "reason",
                        &[
                            "no_service_nearby",
                            "lacks_capability",
                            "not_for_their_age",
                            "none_open",
                        ],
                    ))
                    .foreign_key(&mut fk("scenario_run_unabsorbed", "run_id", "scenario_run"))
                    .foreign_key(&mut fk("scenario_run_unabsorbed", "ward_id", "area"))
                    .take(),
            )
            .await?;
        create_indexes(
            manager,
            vec![
                index("scenario", &["owner_key_id"]),
                index("scenario_run", &["scenario_id", "ran_at"]),
                index("scenario_run_service", &["run_id", "service_id"]),
                index("scenario_run_unabsorbed", &["run_id"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "scenario_run_unabsorbed",
                "scenario_run_need",
                "scenario_run_service",
                "scenario_run",
                "scenario",
            ],
        )
        .await
    }
}
