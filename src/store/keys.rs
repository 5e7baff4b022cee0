//! API keys. Only hashes are stored; the key itself is shown once, when made.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::entity::api_key;
use super::Store;
use crate::domain::access::IssuedKey;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};

pub struct NewKey {
    pub name: String,
    pub role: String,
    pub organisation_id: Option<i64>,
    pub gateway_id: Option<i64>,
}

pub async fn create_key(
    store: &Store,
    new: NewKey,
    issued: &IssuedKey,
) -> AppResult<api_key::Model> {
    let txn = store.db().begin().await?;
    if let Some(org) = new.organisation_id {
        super::organisations::require_organisation(&txn, "organisation", org).await?;
    }
    if let Some(g) = new.gateway_id {
        super::entity::gateway::Entity::find_by_id(g)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found("gateway", g))?;
    }
    let model = api_key::ActiveModel {
        name: Set(new.name),
        prefix: Set(issued.prefix.clone()),
        hash: Set(issued.hash.clone()),
        role: Set(new.role),
        organisation_id: Set(new.organisation_id),
        gateway_id: Set(new.gateway_id),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// The live (unrevoked) key with this hash.
pub async fn find_live_key(store: &Store, hash: &str) -> AppResult<Option<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::Hash.eq(hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(&*store.lane().await?)
        .await?)
}

/// Whether the key with this id is still live (not revoked).
pub async fn is_live(store: &Store, key_id: i64) -> AppResult<bool> {
    Ok(api_key::Entity::find_by_id(key_id)
        .filter(api_key::Column::RevokedAt.is_null())
        .one(&*store.lane().await?)
        .await?
        .is_some())
}

pub async fn list_keys(store: &Store) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(&*store.lane().await?)
        .await?)
}

/// Revokes the key with this prefix; revoking twice is harmless.
pub async fn revoke_key(store: &Store, prefix: &str) -> AppResult<api_key::Model> {
    let txn = store.db().begin().await?;
    let key = api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("key", prefix))?;
    if key.revoked_at.is_some() {
        txn.commit().await?;
        return Ok(key);
    }
    let mut active: api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(Utc::now()));
    let model = active.update(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

/// Revokes every live key whose name starts with `name_prefix` (the demo
/// start replaces its keys this way).
pub async fn revoke_named(store: &Store, name_prefix: &str) -> AppResult<u64> {
    let res = api_key::Entity::update_many()
        .col_expr(
            api_key::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(api_key::Column::Name.starts_with(name_prefix))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(&*store.lane().await?)
        .await?;
    Ok(res.rows_affected)
}

/// Makes a key for `role` and stores its hash; returns the plaintext, which
/// is never stored. A provider key needs an organisation, a link worker key
/// a gateway.
pub async fn issue(
    store: &Store,
    role: Role,
    name: &str,
    organisation_id: Option<i64>,
    gateway_id: Option<i64>,
) -> AppResult<String> {
    if role == Role::Provider && organisation_id.is_none() {
        return Err(AppError::bad_input(
            "organisation",
            "a provider key needs an organisation",
        ));
    }
    if role == Role::LinkWorker && gateway_id.is_none() {
        return Err(AppError::bad_input(
            "gateway",
            "a link worker key needs a gateway",
        ));
    }
    let issued = IssuedKey::generate(&mut rand::rng());
    let new = NewKey {
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        organisation_id,
        gateway_id,
    };
    create_key(store, new, &issued).await?;
    Ok(issued.plaintext)
}

/// The lowest id in `table` ("organisation" or "gateway"), if any row exists.
pub async fn first_id(store: &Store, table: &str) -> AppResult<Option<i64>> {
    use sea_orm::{ConnectionTrait, Statement};
    let table = match table {
        "organisation" => "organisation",
        "gateway" => "gateway",
        other => {
            return Err(AppError::Internal(format!(
                "first_id does not serve {other}"
            )))
        }
    };
    let row = store
        .lane()
        .await?
        .query_one(Statement::from_string(
            store.backend(),
            format!("SELECT MIN(id) AS id FROM {table}"),
        ))
        .await?;
    Ok(row.and_then(|r| r.try_get::<Option<i64>>("", "id").ok().flatten()))
}
