//! Gateways: the routes referrals come from.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use super::entity::gateway;
use super::page::Listing;

#[derive(Debug, Default, Clone)]
pub struct GatewayFilter {
    pub kind: Option<String>,
    pub pcn_id: Option<i64>,
}

impl Listing for gateway::Entity {
    type Filter = GatewayFilter;

    fn select(f: &GatewayFilter) -> Select<Self> {
        let mut s = gateway::Entity::find();
        if let Some(kind) = &f.kind {
            s = s.filter(gateway::Column::Kind.eq(kind.clone()));
        }
        if let Some(pcn) = f.pcn_id {
            s = s.filter(gateway::Column::PcnId.eq(pcn));
        }
        s
    }

    fn id() -> gateway::Column {
        gateway::Column::Id
    }
}

/// The first gateway, if any (where the benchmark's referrals come from).
pub async fn first(store: &super::Store) -> crate::error::AppResult<Option<gateway::Model>> {
    use sea_orm::QueryOrder;
    Ok(gateway::Entity::find()
        .order_by_asc(gateway::Column::Id)
        .one(&*store.lane().await?)
        .await?)
}
