//! GraphQL object types. Each wraps a storage row and decides, field by
//! field and by hand, what the API shows: the tables are not the contract.

pub mod area;
pub mod funding;
pub mod funding_gap;
pub mod organisation;
pub mod overview;
pub mod referral;
pub mod service;
pub mod uncommissioned;
pub mod unmet_need;

use async_graphql::dataloader::Loader;
use async_graphql::Context;

use super::context::ContextExt;
use super::loaders::StoreLoader;

/// One object through the request's DataLoader.
pub async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> async_graphql::Result<Option<<StoreLoader as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Error = std::sync::Arc<crate::error::AppError>>,
{
    Ok(ctx.loader().load_one(key).await?)
}

/// A child list through the request's DataLoader, empty when there is none.
pub async fn load_list<K, V, T>(
    ctx: &Context<'_>,
    key: K,
    wrap: fn(V) -> T,
) -> async_graphql::Result<Vec<T>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    StoreLoader: Loader<K, Value = Vec<V>, Error = std::sync::Arc<crate::error::AppError>>,
{
    Ok(load(ctx, key)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(wrap)
        .collect())
}
