//! The referral lifecycle: recording a referral and moving it. Each write
//! is checked against the caller (and a move against the version they read
//! and the state machine, `domain::referral`), is safe to retry with an
//! idempotency key, and is one `store::lifecycle` transaction.

use sha2::{Digest, Sha256};

use super::Context;
use crate::domain::access::ReferralScope;
use crate::domain::referral::{self as lifecycle, Move, Refusal, Snapshot};
use crate::error::{AppError, AppResult};
use crate::store::entity::{idempotency_key, referral, referral_event};
use crate::store::lifecycle::{self as store, Actor, Idempotency, NewReferral, Written};
use crate::store::{areas, referrals, services};

/// What a lifecycle write did, with what decides how much of its event the
/// caller sees (`Principal::event_view`).
pub struct Change {
    /// The referral as it is now; `None` if it has since moved out of the
    /// caller's sight.
    pub referral: Option<referral::Model>,
    /// The event this request recorded (or, replayed, recorded first).
    pub event: referral_event::Model,
    /// The referral's gateway.
    pub gateway_id: i64,
    /// The organisation running the service of the event, if it has one.
    pub organisation_id: Option<i64>,
    /// True when an idempotency key matched an earlier request: nothing new
    /// was written and this is that request's result.
    pub replayed: bool,
}

/// A requested move of one referral, parsed.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    pub referral_id: i64,
    /// The version the caller last read.
    pub version: i32,
    pub mv: Move,
    pub note: Option<String>,
}

/// Records a referral as received. `key` is the caller's idempotency key,
/// already checked for its form.
pub async fn create_referral(
    cx: &Context<'_>,
    new: NewReferral,
    key: Option<String>,
) -> AppResult<Change> {
    let needs: Vec<&str> = new.needs.iter().map(|n| n.as_str()).collect();
    let idem = key.map(|key| Idempotency {
        key,
        operation: "createReferral",
        request_hash: request_hash(&format!(
            "{}|{}|{}|{}|{:?}|{needs:?}|{:?}",
            new.gateway_id,
            new.reference.as_str(),
            new.age_band.as_str(),
            new.residence_ward_id,
            new.preferred_language,
            new.note,
        )),
    });
    if let Some(done) = earlier(cx, idem.as_ref()).await? {
        return Ok(done);
    }
    areas::require_ward(cx.store, "residenceWardId", new.residence_ward_id).await?;
    let written = store::create_referral(cx.store, &actor(cx), new, idem.as_ref()).await?;
    finish(cx, idem.as_ref(), written, None).await
}

/// Moves a referral through its lifecycle, if the caller may make the move
/// on the version they read. NOT_FOUND when the referral is not in the
/// caller's sight; CONFLICT for a stale version or a forbidden move.
pub async fn move_referral(
    cx: &Context<'_>,
    request: MoveRequest,
    key: Option<String>,
) -> AppResult<Change> {
    let MoveRequest {
        referral_id,
        version,
        mv,
        note,
    } = request;
    let idem = key.map(|key| Idempotency {
        key,
        operation: "moveReferral",
        request_hash: request_hash(&format!("{referral_id}|{version}|{mv:?}|{note:?}")),
    });
    if let Some(done) = earlier(cx, idem.as_ref()).await? {
        return Ok(done);
    }
    let scope = cx.referral_scope()?;
    let referral = referrals::referrals_by_id(cx.store, scope, &[referral_id])
        .await?
        .remove(&referral_id)
        .ok_or_else(|| AppError::not_found("referral", referral_id))?;
    let current = match referral.service_id {
        Some(s) => Some(services::require_service(cx.store, s).await?),
        None => None,
    };
    let snapshot = Snapshot {
        state: lifecycle::ReferralState::parse(&referral.state)
            .ok_or_else(|| AppError::Internal(format!("stored state {:?}", referral.state)))?,
        version: referral.version,
        gateway_id: referral.gateway_id,
        provider: current.as_ref().map(|s| s.organisation_id),
    };
    if let Err(refusal) = lifecycle::check(cx.principal, &snapshot, version, &mv) {
        // A retry racing its original may read the referral just after
        // the original moved it: answer it with the original's result.
        if let Some(done) = earlier(cx, idem.as_ref()).await? {
            return Ok(done);
        }
        return Err(refused(refusal));
    }
    let after = match mv.service {
        Some(s) => Some(
            services::require_service(cx.store, s)
                .await
                .map_err(|e| match e {
                    AppError::NotFound { .. } => {
                        AppError::bad_input("serviceId", "no such service")
                    }
                    e => e,
                })?,
        ),
        None => current,
    };
    let change = store::Move {
        referral_id,
        version,
        from: snapshot.state,
        to: mv.to,
        service_id: after.as_ref().map(|s| s.id),
        decline: mv.decline,
        note,
    };
    let written = store::move_referral(cx.store, &actor(cx), change, idem.as_ref()).await?;
    finish(cx, idem.as_ref(), written, after.map(|s| s.organisation_id)).await
}

fn request_hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn actor(cx: &Context<'_>) -> Actor {
    Actor {
        key_id: cx.principal.key_id,
        role: cx.principal.role,
    }
}

/// The earlier result of this key, if the caller used it before; CONFLICT
/// if they used it for a different request.
async fn earlier(cx: &Context<'_>, idem: Option<&Idempotency>) -> AppResult<Option<Change>> {
    let Some(idem) = idem else { return Ok(None) };
    let Some(row) = store::idempotent(cx.store, cx.principal.key_id, &idem.key).await? else {
        return Ok(None);
    };
    Ok(Some(replay(cx, idem, row).await?))
}

async fn replay(
    cx: &Context<'_>,
    idem: &Idempotency,
    row: idempotency_key::Model,
) -> AppResult<Change> {
    if row.operation != idem.operation || row.request_hash != idem.request_hash {
        return Err(AppError::Conflict(
            "this idempotency key was already used for a different request".into(),
        ));
    }
    let (Some(referral_id), Some(event_id)) = (row.referral_id, row.referral_event_id) else {
        return Err(AppError::Internal(
            "an idempotency key without its result".into(),
        ));
    };
    let referral = match cx.principal.referral_scope() {
        Some(scope) => referrals::referrals_by_id(cx.store, scope, &[referral_id])
            .await?
            .remove(&referral_id),
        None => None,
    };
    // The caller's own event, seen by the same rule as any other: that
    // needs the referral's gateway even when the referral has moved out of
    // the caller's sight (it is not shown).
    let gateway_id = match &referral {
        Some(r) => r.gateway_id,
        None => referrals::referrals_by_id(cx.store, ReferralScope::All, &[referral_id])
            .await?
            .remove(&referral_id)
            .map(|r| r.gateway_id)
            .ok_or_else(|| AppError::Internal("an idempotency key without its referral".into()))?,
    };
    let event = referrals::event_by_id(cx.store, event_id).await?;
    let organisation_id = match event.service_id {
        Some(s) => Some(
            services::require_service(cx.store, s)
                .await?
                .organisation_id,
        ),
        None => None,
    };
    Ok(Change {
        referral,
        event,
        gateway_id,
        organisation_id,
        replayed: true,
    })
}

/// Finishes a write: the new referral and event, or the stored result of a
/// replayed key.
async fn finish(
    cx: &Context<'_>,
    idem: Option<&Idempotency>,
    written: Written<(referral::Model, referral_event::Model)>,
    organisation_id: Option<i64>,
) -> AppResult<Change> {
    match written {
        Written::Replayed(row) => {
            let idem = idem.ok_or_else(|| AppError::Internal("replay without a key".into()))?;
            replay(cx, idem, row).await
        }
        Written::New((referral, event)) => Ok(Change {
            gateway_id: referral.gateway_id,
            referral: Some(referral),
            event,
            organisation_id,
            replayed: false,
        }),
    }
}

fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::NotYours(why) => AppError::Forbidden(why.into()),
        Refusal::Stale { current } => AppError::Conflict(format!(
            "the referral is at version {current} now; read it again and retry"
        )),
        Refusal::Forbidden { from, to } => AppError::Conflict(format!(
            "a referral that is {} cannot become {}",
            from.as_str().replace('_', " "),
            to.as_str().replace('_', " ")
        )),
    }
}
