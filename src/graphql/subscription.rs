//! Following referrals without polling: each committed referral event is
//! published on an in-process bus, and subscriptions over WebSocket pass on
//! the events their caller may see.

use std::sync::Arc;

use async_graphql::{Context, Result, Subscription, ID};
use futures_util::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use super::context::ContextExt;
use super::ids::{decode_as, decode_opt};
use super::types::referral::ReferralEvent;
use crate::domain::access::Principal;
use crate::domain::codes::Role;
use crate::error::AppError;
use crate::store::entity::referral_event;
use crate::store::{referrals, services};

/// A committed referral event, with the two sides that may see it.
#[derive(Debug, Clone)]
pub struct Published {
    pub event: referral_event::Model,
    pub gateway_id: i64,
    /// The organisation running the event's service, if it has one.
    pub organisation_id: Option<i64>,
}

impl Published {
    /// Whether the caller hears of the event at all: the gateway's side
    /// does, and the provider running the event's service.
    fn visible_to(&self, p: &Principal) -> bool {
        p.acts_for_gateway(self.gateway_id) || p.acts_for_provider(self.organisation_id)
    }

    /// The event as the caller may see it, by the same rule as a
    /// referral's `events` (`Principal::event_view`).
    fn seen_by(&self, p: &Principal) -> ReferralEvent {
        ReferralEvent::seen_by(p, self.gateway_id, self.organisation_id, self.event.clone())
    }
}

/// The in-process bus. A subscriber that falls more than `CAPACITY` events
/// behind skips the oldest it missed (see `Lagged` below).
#[derive(Clone)]
pub struct EventBus(broadcast::Sender<Arc<Published>>);

const CAPACITY: usize = 1024;

impl Default for EventBus {
    fn default() -> Self {
        Self(broadcast::channel(CAPACITY).0)
    }
}

impl EventBus {
    /// Publishes a committed event; nobody listening is fine.
    pub fn publish(&self, p: Published) {
        let _ = self.0.send(Arc::new(p));
    }

    fn stream(&self) -> impl Stream<Item = Arc<Published>> {
        // A lagging subscriber loses the events it was too slow for, and
        // keeps receiving; the referral's `events` field has them all.
        BroadcastStream::new(self.0.subscribe()).filter_map(|r| async move { r.ok() })
    }
}

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Each new event of one referral, as it is committed. The referral
    /// must be one the caller may see.
    async fn referral_events(
        &self,
        ctx: &Context<'_>,
        referral_id: ID,
    ) -> Result<impl Stream<Item = ReferralEvent>> {
        let principal = ctx.principal().clone();
        let id = decode_as("referralId", "Referral", &referral_id)?;
        let scope = ctx.referral_scope()?;
        if referrals::referrals_by_id(ctx.store(), scope, &[id])
            .await?
            .is_empty()
        {
            return Err(AppError::not_found("referral", referral_id.as_str()).into());
        }
        let bus = ctx.data_unchecked::<EventBus>();
        Ok(bus.stream().filter_map(move |p| {
            let keep = p.event.referral_id == id && p.visible_to(&principal);
            let event = keep.then(|| p.seen_by(&principal));
            async move { event }
        }))
    }

    /// Each new event on a provider's services (or on one of them), as it
    /// is committed.
    async fn provider_referral_events(
        &self,
        ctx: &Context<'_>,
        service_id: Option<ID>,
    ) -> Result<impl Stream<Item = ReferralEvent>> {
        let principal = ctx
            .require(
                &[Role::Provider, Role::Admin],
                "following a provider's referrals",
            )?
            .clone();
        let service = decode_opt("serviceId", "Service", service_id.as_ref())?;
        if let Some(s) = service {
            let svc = services::require_service(ctx.store(), s).await?;
            ctx.require_manager_of(svc.organisation_id)?;
        }
        let bus = ctx.data_unchecked::<EventBus>();
        Ok(bus.stream().filter_map(move |p| {
            let keep = p.visible_to(&principal)
                && p.organisation_id.is_some()
                && service.is_none_or(|s| p.event.service_id == Some(s));
            let event = keep.then(|| p.seen_by(&principal));
            async move { event }
        }))
    }
}
