//! A scenario's runs, each with the definition, data and defaults it used.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scenario_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scenario_id: i64,
    pub ran_by: i64,
    pub ran_at: DateTimeUtc,
    pub data_as_of: Option<Date>,
    pub baseline_from: Date,
    pub baseline_to: Date,
    pub definition: String,
    pub assumptions: String,
    pub ledger: String,
    pub services: i32,
    pub services_changed: i32,
    pub staff_cost_pence: i64,
    pub new_funding_pence: i64,
    pub elapsed_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
