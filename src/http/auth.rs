//! API keys from the `Authorization: Bearer …` header.

use poem::http::HeaderMap;

use crate::domain::access::{hash_key, Principal};
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};
use crate::store::{keys, Store};

/// The principal behind the request's key; UNAUTHENTICATED without a live one.
pub async fn authenticate(store: &Store, headers: &HeaderMap) -> AppResult<Principal> {
    let header = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            AppError::Unauthenticated(
                "an API key is required: send the header `Authorization: Bearer <key>`".into(),
            )
        })?;
    authenticate_bearer(store, header).await
}

/// The principal behind an `Authorization` value, `Bearer <key>`: from the
/// header, or from a WebSocket's `connection_init` payload.
pub async fn authenticate_bearer(store: &Store, header: &str) -> AppResult<Principal> {
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthenticated("the Authorization header must read `Bearer <key>`".into())
        })?;
    let key = keys::find_live_key(store, &hash_key(token))
        .await?
        .ok_or_else(|| {
            AppError::Unauthenticated("that API key is unknown or has been revoked".into())
        })?;
    let role = Role::parse(&key.role).ok_or_else(|| {
        AppError::Internal(format!("key {} has unknown role {}", key.prefix, key.role))
    })?;
    Ok(Principal {
        key_id: key.id,
        role,
        organisation_id: key.organisation_id,
        gateway_id: key.gateway_id,
    })
}
