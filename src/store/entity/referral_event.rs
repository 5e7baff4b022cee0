//! Append-only referral lifecycle events.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub referral_id: i64,
    pub from_state: Option<String>,
    pub to_state: String,
    pub service_id: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub occurred_on: Date,
    pub actor_role: Option<String>,
    pub actor_key_id: Option<i64>,
    pub reason: Option<String>,
    pub capability_kind: Option<String>,
    pub capability_code: Option<String>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
