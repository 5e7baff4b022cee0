//! The unmet-needs risk register.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unmet_need")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub area_id: i64,
    pub need_code: String,
    pub capability_kind: Option<String>,
    pub capability_code: Option<String>,
    pub evidence: String,
    pub likelihood: i32,
    pub impact: i32,
    pub action: Option<String>,
    pub owner: Option<String>,
    pub review_date: Option<Date>,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
