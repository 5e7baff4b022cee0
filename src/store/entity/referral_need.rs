//! A referral's needs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referral_need")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub referral_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
