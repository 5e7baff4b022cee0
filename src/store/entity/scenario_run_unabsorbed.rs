//! Demand in a run that no service within reach could absorb, by ward,
//! need and why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scenario_run_unabsorbed")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub ward_id: i64,
    pub need_code: String,
    pub reason: String,
    pub capability_kind: Option<String>,
    pub capability_code: Option<String>,
    pub total: f64,
    pub peak_per_week: f64,
    pub per_week: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
