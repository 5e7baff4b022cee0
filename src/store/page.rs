//! Keyset pagination over the primary key: stable order, no skipped or
//! repeated rows when rows are added between pages.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use super::Store;
use crate::error::AppResult;

/// Where a page starts and how long it is. `limit` already includes the
/// one extra row the caller asks for to learn whether a next page exists.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<i64>,
    pub limit: u64,
}

/// Rows that carry a numeric primary key.
pub trait Keyed {
    fn key(&self) -> i64;
}

/// A table the API lists: how its filter narrows a select, and its key.
pub trait Listing: EntityTrait
where
    Self::Model: FromQueryResult + Keyed + Send + Sync,
{
    type Filter: Clone + Send + Sync + 'static;

    fn select(filter: &Self::Filter) -> Select<Self>;

    fn id() -> Self::Column;
}

/// One keyset page of the rows matching `filter`.
pub async fn list<E: Listing>(
    store: &Store,
    filter: &E::Filter,
    page: PageRequest,
) -> AppResult<Vec<E::Model>>
where
    E::Model: FromQueryResult + Keyed + Send + Sync,
{
    fetch(&*store.lane().await?, E::select(filter), E::id(), page).await
}

/// How many rows match `filter`.
pub async fn total<E: Listing>(store: &Store, filter: &E::Filter) -> AppResult<u64>
where
    E::Model: FromQueryResult + Keyed + Send + Sync,
{
    count(&*store.lane().await?, E::select(filter)).await
}

/// Rows by primary key, for DataLoaders.
pub async fn find<E: Listing>(store: &Store, ids: &[i64]) -> AppResult<HashMap<i64, E::Model>>
where
    E::Model: FromQueryResult + Keyed + Send + Sync,
{
    by_ids::<E, _>(&*store.lane().await?, E::id(), ids).await
}

pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    id: E::Column,
    page: PageRequest,
) -> AppResult<Vec<E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let mut select = select.order_by_asc(id).limit(page.limit);
    if let Some(after) = page.after {
        select = select.filter(id.gt(after));
    }
    Ok(select.all(db).await?)
}

pub async fn count<E, C>(db: &C, select: Select<E>) -> AppResult<u64>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    Ok(select.count(db).await?)
}

/// Rows by primary key, for DataLoaders.
pub async fn by_ids<E, C>(db: &C, id: E::Column, ids: &[i64]) -> AppResult<HashMap<i64, E::Model>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Keyed + Send + Sync,
    C: ConnectionTrait,
{
    let rows = E::find()
        .filter(id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.key(), m)).collect())
}

/// Rows grouped by a foreign key, in primary-key order, for child lists.
pub async fn grouped<E, C>(
    db: &C,
    parent: E::Column,
    id: E::Column,
    parents: &[i64],
    parent_of: impl Fn(&E::Model) -> i64,
) -> AppResult<HashMap<i64, Vec<E::Model>>>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
    C: ConnectionTrait,
{
    let rows = E::find()
        .filter(parent.is_in(parents.iter().copied()))
        .order_by_asc(id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<E::Model>> = HashMap::new();
    for row in rows {
        out.entry(parent_of(&row)).or_default().push(row);
    }
    Ok(out)
}

macro_rules! keyed {
    ($($entity:ident),+) => {
        $(impl Keyed for super::entity::$entity::Model {
            fn key(&self) -> i64 { self.id }
        })+
    };
}
keyed!(
    area,
    pcn,
    gp_practice,
    organisation,
    location,
    gateway,
    api_key,
    service,
    capacity_version,
    service_status,
    referral,
    referral_event,
    funding_award,
    contribution,
    skill,
    unmet_need,
    scenario,
    scenario_run,
    scenario_run_service,
    scenario_run_unabsorbed,
    analytics_audit
);
