//! A link worker's report that a search found nothing that fits: evidence
//! on an unmet-needs register entry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unmet_need_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unmet_need_id: i64,
    pub ward_id: i64,
    pub gateway_id: Option<i64>,
    pub reason: String,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
