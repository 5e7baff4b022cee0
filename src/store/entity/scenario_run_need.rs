//! The needs of each service in a run (a service the scenario adds has
//! none in `service_need`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "scenario_run_need")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub run_service_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub need_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
