//! The referral lifecycle: a link worker records a referral and sends it
//! to a service; the provider answers it and follows it through. Every move
//! is checked against the caller, the version they read and the state
//! machine, is safe to retry with an idempotency key, and is published to
//! subscribers once committed. The resolvers parse and wrap;
//! `app::referrals` does the work.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use crate::app::referrals::{self as app, MoveRequest};
use crate::domain::bounds::Text;
use crate::domain::codes::{self, Role};
use crate::domain::language::LanguageCode;
use crate::domain::referral::Move;
use crate::domain::text::{self, PseudonymousRef};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{AgeBand, DeclineReason, NeedCode, ReferralState};
use crate::graphql::ids::{decode_as, decode_opt};
use crate::graphql::inputs::{self, CapabilityInput};
use crate::graphql::subscription::{EventBus, Published};
use crate::graphql::types::referral::{Referral, ReferralEvent};
use crate::store::lifecycle::NewReferral;

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

/// Wraps what a write did, after publishing a new event to subscribers.
///
/// Publishing stays here rather than in the use case: the bus is this
/// layer's (subscriptions read it), and the use case returns only after its
/// transaction has committed, so this is the moment the event became true.
/// A callback passed down would carry nothing the return value does not.
fn wrap(ctx: &Context<'_>, change: app::Change) -> ReferralChange {
    if !change.replayed {
        ctx.data_unchecked::<EventBus>().publish(Published {
            event: change.event.clone(),
            gateway_id: change.gateway_id,
            organisation_id: change.organisation_id,
        });
    }
    ReferralChange {
        referral: change.referral.map(Referral),
        event: ReferralEvent::seen_by(
            ctx.principal(),
            change.gateway_id,
            change.organisation_id,
            change.event,
        ),
        replayed: change.replayed,
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
        let needs = inputs::needs("needs", &input.needs, "a referral is for at least one need")?;
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let key = idempotency_key(input.idempotency_key.as_deref())?;
        let new = NewReferral {
            reference,
            gateway_id,
            age_band: input.age_band.into(),
            residence_ward_id: ward_id,
            preferred_language: language,
            needs,
            note,
        };
        let change = app::create_referral(&ctx.app(), new, key).await?;
        Ok(wrap(ctx, change))
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
        let referral_id = decode_as("referralId", "Referral", &input.referral_id)?;
        let service = decode_opt("serviceId", "Service", input.service_id.as_ref())?;
        let reason = input.reason.map(codes::DeclineReason::from);
        let missing = input
            .missing_capability
            .as_ref()
            .map(|c| c.capability("missingCapability.code"))
            .transpose()?;
        let mv = Move::parse(input.to.into(), service, reason, missing)?;
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let key = idempotency_key(input.idempotency_key.as_deref())?;
        let request = MoveRequest {
            referral_id,
            version: input.version,
            mv,
            note,
        };
        let change = app::move_referral(&ctx.app(), request, key)
            .await
            .map_err(|e| match e {
                // The caller named the referral by its global id: say it back so.
                AppError::NotFound {
                    what: "referral", ..
                } => AppError::not_found("referral", input.referral_id.as_str()),
                e => e,
            })?;
        Ok(wrap(ctx, change))
    }
}
