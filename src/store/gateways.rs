//! Gateways: the routes referrals come from.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use super::entity::gateway;
use super::page::{self, PageRequest};
use super::Store;
use crate::error::AppResult;

#[derive(Debug, Default, Clone)]
pub struct GatewayFilter {
    pub kind: Option<String>,
    pub pcn_id: Option<i64>,
}

fn gateway_select(f: &GatewayFilter) -> Select<gateway::Entity> {
    let mut s = gateway::Entity::find();
    if let Some(kind) = &f.kind {
        s = s.filter(gateway::Column::Kind.eq(kind.clone()));
    }
    if let Some(pcn) = f.pcn_id {
        s = s.filter(gateway::Column::PcnId.eq(pcn));
    }
    s
}

pub async fn page_gateways(
    store: &Store,
    f: &GatewayFilter,
    p: PageRequest,
) -> AppResult<Vec<gateway::Model>> {
    page::fetch(store.db(), gateway_select(f), gateway::Column::Id, p).await
}

pub async fn count_gateways(store: &Store, f: &GatewayFilter) -> AppResult<u64> {
    page::count(store.db(), gateway_select(f)).await
}

pub async fn gateways_by_id(store: &Store, ids: &[i64]) -> AppResult<HashMap<i64, gateway::Model>> {
    page::by_ids::<gateway::Entity, _>(store.db(), gateway::Column::Id, ids).await
}
