//! Funding awards, after 360Giving.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_award")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub identifier: String,
    pub title: String,
    pub description: Option<String>,
    pub funder_name: String,
    pub funder_identifier: Option<String>,
    pub recipient_organisation_id: i64,
    pub service_id: Option<i64>,
    pub kind: String,
    pub amount_pence: i64,
    pub tariff_pence: Option<i64>,
    pub currency: String,
    pub award_date: Date,
    pub planned_start: Option<Date>,
    pub planned_end: Option<Date>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
