//! Referral flows: one row per episode of a referral at a service.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_flow")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub referral_id: i64,
    pub service_id: i64,
    pub gateway_id: i64,
    pub demand_on: Option<Date>,
    pub waitlisted_on: Option<Date>,
    pub waitlist_end_on: Option<Date>,
    pub accepted_on: Option<Date>,
    pub declined_on: Option<Date>,
    pub decline_reason: Option<String>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub wait_from_on: Option<Date>,
    /// Episodes of the same referral, at any service (this one included).
    pub episodes: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
