//! The referral lifecycle: a link worker records a referral and sends it
//! to a service; the provider answers it and follows it through. Every move
//! is checked against the caller, the version they read and the state
//! machine, is safe to retry with an idempotency key, and is published to
//! subscribers once committed.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use sha2::{Digest, Sha256};

use crate::domain::access::ReferralScope;
use crate::domain::bounds::Text;
use crate::domain::codes::{self, Role};
use crate::domain::language::LanguageCode;
use crate::domain::referral::{self as lifecycle, Move, Refusal, Snapshot};
use crate::domain::text::{self, PseudonymousRef};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{AgeBand, DeclineReason, NeedCode, ReferralState};
use crate::graphql::ids::{decode_as, decode_opt};
use crate::graphql::inputs::{need_codes, CapabilityInput};
use crate::graphql::subscription::{EventBus, Published};
use crate::graphql::types::referral::{Referral, ReferralEvent};
use crate::store::entity::{idempotency_key, referral, referral_event};
use crate::store::lifecycle::{self as store, Actor, Idempotency, Written};
use crate::store::{areas, referrals, services};

#[derive(Default)]
pub struct ReferralMutations;

#[derive(InputObject)]
pub struct CreateReferralInput {
    /// The gateway it comes through; a link worker's own if left out.
    pub gateway_id: Option<ID>,
    /// A pseudonymous reference: never a name, NHS number or contact detail.
    pub reference: String,
    pub age_band: AgeBand,
    pub residence_ward_id: ID,
    /// ISO 639-1 or 639-3 code.
    pub preferred_language: Option<String>,
    /// What the person is referred for; at least one.
    pub needs: Vec<NeedCode>,
    pub note: Option<String>,
    /// Retrying with the same key returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
}

#[derive(InputObject)]
pub struct MoveReferralInput {
    pub referral_id: ID,
    /// The version the caller last read; a move against an older one is
    /// refused with CONFLICT.
    pub version: i32,
    pub to: ReferralState,
    /// The service it is sent to; only for SENT.
    pub service_id: Option<ID>,
    /// Why it is declined; only for DECLINED, and required there.
    pub reason: Option<DeclineReason>,
    /// The capability that was missing, for a decline for CAPABILITY.
    pub missing_capability: Option<CapabilityInput>,
    pub note: Option<String>,
    /// Retrying with the same key returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
}

/// What a lifecycle mutation did.
#[derive(SimpleObject)]
pub struct ReferralChange {
    /// The referral as it is now; null if it has since moved out of the
    /// caller's sight (sent on to another provider's service, say).
    pub referral: Option<Referral>,
    /// The event this request recorded.
    pub event: ReferralEvent,
    /// True when an idempotency key matched an earlier request: nothing new
    /// was written and this is that request's result.
    pub replayed: bool,
}

/// A key is 8 to 128 letters, digits, `-`, `_`, `:` or `.` (a UUID fits).
fn idempotency_key(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(raw) = raw else { return Ok(None) };
    let ok = (8..=128).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'));
    if !ok {
        return Err(AppError::bad_input(
            "idempotencyKey",
            "a key is 8 to 128 letters, digits, '-', '_', ':' or '.'",
        ));
    }
    Ok(Some(raw.to_owned()))
}

fn request_hash(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

fn actor(ctx: &Context<'_>) -> Actor {
    let p = ctx.principal();
    Actor {
        key_id: p.key_id,
        role: p.role.as_str().to_owned(),
    }
}

/// The earlier result of this key, if the caller used it before; CONFLICT
/// if they used it for a different request.
async fn earlier(
    ctx: &Context<'_>,
    idem: Option<&Idempotency>,
) -> Result<Option<ReferralChange>, AppError> {
    let Some(idem) = idem else { return Ok(None) };
    let Some(row) = store::idempotent(ctx.store(), ctx.principal().key_id, &idem.key).await? else {
        return Ok(None);
    };
    Ok(Some(replay(ctx, idem, row).await?))
}

async fn replay(
    ctx: &Context<'_>,
    idem: &Idempotency,
    row: idempotency_key::Model,
) -> Result<ReferralChange, AppError> {
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
    let referral = match ctx.principal().referral_scope() {
        Some(scope) => referrals::referrals_by_id(ctx.store(), scope, &[referral_id])
            .await?
            .remove(&referral_id),
        None => None,
    };
    // The caller's own event, seen by the same rule as any other: that
    // needs the referral's gateway even when the referral has moved out of
    // the caller's sight (it is not shown).
    let gateway_id = match &referral {
        Some(r) => r.gateway_id,
        None => referrals::referrals_by_id(ctx.store(), ReferralScope::All, &[referral_id])
            .await?
            .remove(&referral_id)
            .map(|r| r.gateway_id)
            .ok_or_else(|| AppError::Internal("an idempotency key without its referral".into()))?,
    };
    let event = referrals::event_by_id(ctx.store(), event_id).await?;
    let organisation_id = match event.service_id {
        Some(s) => Some(
            services::require_service(ctx.store().db(), s)
                .await?
                .organisation_id,
        ),
        None => None,
    };
    let event = ReferralEvent::seen_by(ctx.principal(), gateway_id, organisation_id, event);
    Ok(ReferralChange {
        referral: referral.map(Referral),
        event,
        replayed: true,
    })
}

/// Finishes a write: publishes a new event, or answers with the stored
/// result of a replayed key.
async fn finish(
    ctx: &Context<'_>,
    idem: Option<&Idempotency>,
    written: Written<(referral::Model, referral_event::Model)>,
    organisation_id: Option<i64>,
) -> Result<ReferralChange, AppError> {
    match written {
        Written::Replayed(row) => {
            let idem = idem.ok_or_else(|| AppError::Internal("replay without a key".into()))?;
            replay(ctx, idem, row).await
        }
        Written::New((referral, event)) => {
            ctx.data_unchecked::<EventBus>().publish(Published {
                event: event.clone(),
                gateway_id: referral.gateway_id,
                organisation_id,
            });
            let event = ReferralEvent::seen_by(
                ctx.principal(),
                referral.gateway_id,
                organisation_id,
                event,
            );
            Ok(ReferralChange {
                referral: Some(Referral(referral)),
                event,
                replayed: false,
            })
        }
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

#[Object]
impl ReferralMutations {
    /// Records a referral as received (a link worker of its gateway, or an
    /// admin). It holds no personal details.
    async fn create_referral(
        &self,
        ctx: &Context<'_>,
        input: CreateReferralInput,
    ) -> Result<ReferralChange> {
        let p = ctx.require(&[Role::LinkWorker, Role::Admin], "recording a referral")?;
        let given = decode_opt("gatewayId", "Gateway", input.gateway_id.as_ref())?;
        let gateway_id = match (p.role, given, p.gateway_id) {
            (Role::Admin, Some(g), _) => g,
            (Role::Admin, None, _) => {
                return Err(
                    AppError::bad_input("gatewayId", "say which gateway it comes through").into(),
                )
            }
            (_, Some(g), Some(own)) if g != own => {
                return Err(AppError::Forbidden(
                    "a link worker refers through their own gateway".into(),
                )
                .into())
            }
            (_, _, Some(own)) => own,
            (_, _, None) => {
                return Err(AppError::Forbidden("this key is not tied to a gateway".into()).into())
            }
        };
        let reference = PseudonymousRef::parse("reference", &input.reference)?;
        let ward_id = decode_as("residenceWardId", "Area", &input.residence_ward_id)?;
        let language = input
            .preferred_language
            .as_deref()
            .map(|l| LanguageCode::parse("preferredLanguage", l))
            .transpose()?;
        let needs = need_codes("needs", &input.needs, "a referral is for at least one need")?;
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let age_band: codes::AgeBand = input.age_band.into();
        let idem = idempotency_key(input.idempotency_key.as_deref())?.map(|key| Idempotency {
            key,
            operation: "createReferral",
            request_hash: request_hash(&format!(
                "{gateway_id}|{}|{}|{ward_id}|{language:?}|{needs:?}|{note:?}",
                reference.as_str(),
                age_band.as_str(),
            )),
        });
        if let Some(done) = earlier(ctx, idem.as_ref()).await? {
            return Ok(done);
        }
        areas::require_ward(&*ctx.store().lane().await?, "residenceWardId", ward_id).await?;
        let new = store::NewReferral {
            reference: reference.as_str().to_owned(),
            gateway_id,
            age_band: age_band.as_str().to_owned(),
            residence_ward_id: ward_id,
            preferred_language: language.map(|l| l.as_str().to_owned()),
            needs,
            note,
        };
        let written = store::create_referral(ctx.store(), &actor(ctx), new, idem.as_ref()).await?;
        Ok(finish(ctx, idem.as_ref(), written, None).await?)
    }

    /// Moves a referral through its lifecycle: SENT to a service (link
    /// worker), ACCEPTED, WAIT_LISTED or DECLINED, then STARTED, COMPLETED
    /// or DID_NOT_ATTEND (provider), WITHDRAWN (either). A move the state
    /// machine forbids, or one made against a stale version, is refused with
    /// CONFLICT and changes nothing.
    async fn move_referral(
        &self,
        ctx: &Context<'_>,
        input: MoveReferralInput,
    ) -> Result<ReferralChange> {
        let principal = ctx.principal().clone();
        let referral_id = decode_as("referralId", "Referral", &input.referral_id)?;
        let to: lifecycle::ReferralState = input.to.into();
        let service = decode_opt("serviceId", "Service", input.service_id.as_ref())?;
        let reason = input.reason.map(codes::DeclineReason::from);
        let missing = input
            .missing_capability
            .as_ref()
            .map(|c| c.capability("missingCapability.code"))
            .transpose()?;
        let mv = Move::parse(to, service, reason, missing)?;
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let idem = idempotency_key(input.idempotency_key.as_deref())?.map(|key| Idempotency {
            key,
            operation: "moveReferral",
            request_hash: request_hash(&format!("{referral_id}|{}|{mv:?}|{note:?}", input.version)),
        });
        if let Some(done) = earlier(ctx, idem.as_ref()).await? {
            return Ok(done);
        }
        let scope = ctx.referral_scope()?;
        let referral = referrals::referrals_by_id(ctx.store(), scope, &[referral_id])
            .await?
            .remove(&referral_id)
            .ok_or_else(|| AppError::not_found("referral", input.referral_id.as_str()))?;
        let current = match referral.service_id {
            Some(s) => Some(services::require_service(&*ctx.store().lane().await?, s).await?),
            None => None,
        };
        let snapshot = Snapshot {
            state: lifecycle::ReferralState::parse(&referral.state)
                .ok_or_else(|| AppError::Internal(format!("stored state {:?}", referral.state)))?,
            version: referral.version,
            gateway_id: referral.gateway_id,
            provider: current.as_ref().map(|s| s.organisation_id),
        };
        if let Err(refusal) = lifecycle::check(&principal, &snapshot, input.version, &mv) {
            // A retry racing its original may read the referral just after
            // the original moved it: answer it with the original's result.
            if let Some(done) = earlier(ctx, idem.as_ref()).await? {
                return Ok(done);
            }
            return Err(refused(refusal).into());
        }
        let after = match mv.service {
            Some(s) => Some(
                services::require_service(&*ctx.store().lane().await?, s)
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
        let decline = mv.decline.as_ref();
        let change = store::Move {
            referral_id,
            version: input.version,
            from: snapshot.state.as_str().to_owned(),
            to: to.as_str().to_owned(),
            service_id: after.as_ref().map(|s| s.id),
            reason: decline.map(|d| d.reason.as_str().to_owned()),
            missing_capability: decline
                .and_then(|d| d.missing.as_ref())
                .map(|c| (c.kind.as_str().to_owned(), c.code.clone())),
            note,
        };
        let written = store::move_referral(ctx.store(), &actor(ctx), change, idem.as_ref()).await?;
        Ok(finish(
            ctx,
            idem.as_ref(),
            written,
            after.map(|s| s.organisation_id),
        )
        .await?)
    }
}
