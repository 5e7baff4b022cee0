//! Referrals: pseudonymous, no personal details.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "referral")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub reference: String,
    pub gateway_id: i64,
    pub service_id: Option<i64>,
    pub age_band: String,
    pub residence_ward_id: i64,
    pub preferred_language: Option<String>,
    pub state: String,
    pub version: i32,
    pub received_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
