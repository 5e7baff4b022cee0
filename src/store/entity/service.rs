//! Community assets people are referred to.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub location_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub unit_cost_pence: Option<i64>,
    /// The youngest and oldest ages it takes, in years, where it has limits.
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
