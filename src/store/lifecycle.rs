//! Writing the referral lifecycle. A new referral or a move is one
//! transaction: the referral row, its append-only event, its rewritten
//! flows and, where the caller gave one, its idempotency key.
//!
//! Each transaction's first statement is a write, so that on SQLite it
//! takes the write lock at once (waiting its turn) instead of failing when
//! it later upgrades from reading.

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set,
};

use super::entity::{idempotency_key, referral, referral_event, referral_need};
use super::{flows, Store};
use crate::domain::codes::{AgeBand, Need, Role};
use crate::domain::language::LanguageCode;
use crate::domain::referral::{Decline, ReferralState};
use crate::domain::text::PseudonymousRef;
use crate::error::{AppError, AppResult};

/// Who makes the change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub key_id: i64,
    pub role: Role,
}

/// A caller's idempotency key for one request.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub operation: &'static str,
    pub request_hash: String,
}

/// What a write did: wrote something new, or found the key already used.
pub enum Written<T> {
    New(T),
    Replayed(idempotency_key::Model),
}

/// The stored result of an idempotency key, if the caller used it before.
pub async fn idempotent(
    store: &Store,
    api_key_id: i64,
    key: &str,
) -> AppResult<Option<idempotency_key::Model>> {
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::ApiKeyId.eq(api_key_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(&*store.lane().await?)
        .await?)
}

/// Claims the key inside `txn`; false if another request holds it (on
/// PostgreSQL this waits for that request's transaction to end).
async fn claim(
    txn: &DatabaseTransaction,
    actor: &Actor,
    idem: &Idempotency,
) -> AppResult<Option<i64>> {
    let row = idempotency_key::ActiveModel {
        api_key_id: Set(actor.key_id),
        key: Set(idem.key.clone()),
        operation: Set(idem.operation.to_owned()),
        request_hash: Set(idem.request_hash.clone()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = idempotency_key::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                idempotency_key::Column::ApiKeyId,
                idempotency_key::Column::Key,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec(txn)
        .await;
    match inserted {
        Ok(r) => Ok(Some(r.last_insert_id)),
        Err(DbErr::RecordNotInserted) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn settle(
    txn: &DatabaseTransaction,
    claimed: Option<i64>,
    referral_id: i64,
    event_id: i64,
) -> AppResult<()> {
    if let Some(id) = claimed {
        idempotency_key::Entity::update_many()
            .col_expr(
                idempotency_key::Column::ReferralId,
                Expr::value(referral_id),
            )
            .col_expr(
                idempotency_key::Column::ReferralEventId,
                Expr::value(event_id),
            )
            .filter(idempotency_key::Column::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Starts a transaction and claims the key, if any. `None` means the key
/// was already used: the caller answers with the stored result.
async fn begin(
    store: &Store,
    actor: &Actor,
    idem: Option<&Idempotency>,
) -> AppResult<Option<(DatabaseTransaction, Option<i64>)>> {
    let txn = store.begin().await?;
    match idem {
        None => Ok(Some((txn, None))),
        Some(idem) => match claim(&txn, actor, idem).await? {
            Some(id) => Ok(Some((txn, Some(id)))),
            None => {
                txn.rollback().await?;
                Ok(None)
            }
        },
    }
}

async fn replayed<T>(
    store: &Store,
    actor: &Actor,
    idem: Option<&Idempotency>,
) -> AppResult<Written<T>> {
    let key = idem.map(|i| i.key.as_str()).unwrap_or_default();
    idempotent(store, actor.key_id, key)
        .await?
        .map(Written::Replayed)
        .ok_or_else(|| AppError::Internal("a claimed idempotency key has no row".into()))
}

pub struct NewReferral {
    pub reference: PseudonymousRef,
    pub gateway_id: i64,
    pub age_band: AgeBand,
    pub residence_ward_id: i64,
    pub preferred_language: Option<LanguageCode>,
    pub needs: Vec<Need>,
    pub note: Option<String>,
}

/// Records a referral as received.
pub async fn create_referral(
    store: &Store,
    actor: &Actor,
    new: NewReferral,
    idem: Option<&Idempotency>,
) -> AppResult<Written<(referral::Model, referral_event::Model)>> {
    let Some((txn, claimed)) = begin(store, actor, idem).await? else {
        return replayed(store, actor, idem).await;
    };
    let now = Utc::now();
    let model = referral::ActiveModel {
        reference: Set(new.reference.as_str().to_owned()),
        gateway_id: Set(new.gateway_id),
        service_id: Set(None),
        age_band: Set(new.age_band.as_str().to_owned()),
        residence_ward_id: Set(new.residence_ward_id),
        preferred_language: Set(new.preferred_language.map(|l| l.as_str().to_owned())),
        state: Set(ReferralState::Received.as_str().to_owned()),
        version: Set(1),
        received_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    referral_need::Entity::insert_many(new.needs.iter().map(|n| referral_need::ActiveModel {
        referral_id: Set(model.id),
        need_code: Set(n.as_str().to_owned()),
    }))
    .exec(&txn)
    .await?;
    let event = append(&txn, &model, None, actor, None, new.note).await?;
    settle(&txn, claimed, model.id, event.id).await?;
    txn.commit().await?;
    Ok(Written::New((model, event)))
}

/// A move of one referral, as checked by `domain::referral::check`.
pub struct Move {
    pub referral_id: i64,
    /// The version the caller read; the move happens only if it is current.
    pub version: i32,
    pub from: ReferralState,
    pub to: ReferralState,
    /// The service the referral is with after the move.
    pub service_id: Option<i64>,
    pub decline: Option<Decline>,
    pub note: Option<String>,
}

/// Moves a referral, if nobody moved it since the caller read it.
pub async fn move_referral(
    store: &Store,
    actor: &Actor,
    mv: Move,
    idem: Option<&Idempotency>,
) -> AppResult<Written<(referral::Model, referral_event::Model)>> {
    let Some((txn, claimed)) = begin(store, actor, idem).await? else {
        return replayed(store, actor, idem).await;
    };
    let updated = referral::Entity::update_many()
        .col_expr(referral::Column::State, Expr::value(mv.to.as_str()))
        .col_expr(referral::Column::ServiceId, Expr::value(mv.service_id))
        .col_expr(
            referral::Column::Version,
            Expr::col(referral::Column::Version).add(1),
        )
        .col_expr(referral::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(referral::Column::Id.eq(mv.referral_id))
        .filter(referral::Column::Version.eq(mv.version))
        .exec_with_returning(&txn)
        .await?;
    let Some(model) = updated.into_iter().next() else {
        txn.rollback().await?;
        return Err(AppError::Conflict(format!(
            "the referral changed after version {}; read it again and retry",
            mv.version
        )));
    };
    let event = append(
        &txn,
        &model,
        Some(mv.from),
        actor,
        mv.decline.as_ref(),
        mv.note,
    )
    .await?;
    flows::rewrite(&txn, model.id, model.gateway_id).await?;
    settle(&txn, claimed, model.id, event.id).await?;
    txn.commit().await?;
    Ok(Written::New((model, event)))
}

async fn append<C: ConnectionTrait>(
    db: &C,
    referral: &referral::Model,
    from: Option<ReferralState>,
    actor: &Actor,
    decline: Option<&Decline>,
    note: Option<String>,
) -> AppResult<referral_event::Model> {
    let now = Utc::now();
    let capability = decline.and_then(|d| d.missing.as_ref());
    Ok(referral_event::ActiveModel {
        referral_id: Set(referral.id),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(referral.state.clone()),
        service_id: Set(referral.service_id),
        occurred_at: Set(now),
        occurred_on: Set(now.date_naive()),
        actor_role: Set(Some(actor.role.as_str().to_owned())),
        actor_key_id: Set(Some(actor.key_id)),
        reason: Set(decline.map(|d| d.reason.as_str().to_owned())),
        capability_kind: Set(capability.map(|c| c.kind.as_str().to_owned())),
        capability_code: Set(capability.map(|c| c.code.clone())),
        note: Set(note),
        ..Default::default()
    }
    .insert(db)
    .await?)
}
