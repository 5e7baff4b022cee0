//! One service's projection in a run, before and after the changes.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scenario_run_service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub run_id: i64,
    pub service_id: Option<i64>,
    pub new_service: Option<String>,
    pub organisation_id: i64,
    pub ward_id: Option<i64>,
    pub changed: bool,
    pub before_arrivals: f64,
    pub before_rate: f64,
    pub before_utilisation: Option<f64>,
    pub before_peak_utilisation: Option<f64>,
    pub before_peak_waiting: f64,
    pub before_peak_wait_days: Option<f64>,
    pub before_first_week_over: Option<i32>,
    pub before_weeks_over: i32,
    pub before_extra_places: f64,
    pub before_funding_pence: Option<i64>,
    pub after_arrivals: f64,
    pub after_rate: f64,
    pub after_utilisation: Option<f64>,
    pub after_peak_utilisation: Option<f64>,
    pub after_peak_waiting: f64,
    pub after_peak_wait_days: Option<f64>,
    pub after_first_week_over: Option<i32>,
    pub after_weeks_over: i32,
    pub after_extra_places: f64,
    pub after_funding_pence: Option<i64>,
    pub peak_waiting_p10: Option<f64>,
    pub peak_waiting_p50: Option<f64>,
    pub peak_waiting_p90: Option<f64>,
    pub peak_wait_days_p10: Option<f64>,
    pub peak_wait_days_p50: Option<f64>,
    pub peak_wait_days_p90: Option<f64>,
    pub series: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
