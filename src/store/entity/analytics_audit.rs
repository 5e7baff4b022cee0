//! One researcher question, as the audit trail keeps it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "analytics_audit")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub key_id: i64,
    pub asked_at: DateTimeUtc,
    pub question: String,
    pub channel: String,
    pub cells: i32,
    pub figures: i32,
    pub suppressed: i32,
    pub refused: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
