//! Gateways, referrals and referral events.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::area::{Area, Pcn};
use super::load;
use super::organisation::Organisation;
use super::service::{Capability, Service};
use crate::domain::access::{EventPlace, EventView, Principal};
use crate::domain::codes;
use crate::domain::language::LanguageCode;
use crate::domain::referral as lifecycle;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{
    stored, AgeBand, DeclineReason, GatewayKind, NeedCode, ReferralState, Role,
};
use crate::graphql::ids;
use crate::graphql::loaders::{
    AreaId, GatewayId, OrganisationId, PcnId, ReferralEvents, ReferralNeeds, ServiceId,
};
use crate::store::entity::{gateway, referral, referral_event};

/// A route that generates referrals.
#[derive(Clone)]
pub struct Gateway(pub gateway::Model);

#[Object]
impl Gateway {
    pub async fn id(&self) -> ID {
        ids::encode("Gateway", self.0.id)
    }

    async fn kind(&self) -> Result<GatewayKind> {
        Ok(stored(codes::GatewayKind::parse, &self.0.kind)?.into())
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The PCN a social prescribing gateway works for.
    async fn pcn(&self, ctx: &Context<'_>) -> Result<Option<Pcn>> {
        match self.0.pcn_id {
            Some(p) => Ok(load(ctx, PcnId(p)).await?.map(Pcn)),
            None => Ok(None),
        }
    }

    /// The area it covers, where it is not a PCN.
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.area_id {
            Some(a) => Ok(load(ctx, AreaId(a)).await?.map(Area)),
            None => Ok(None),
        }
    }

    async fn host_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.host_organisation_id {
            Some(o) => Ok(load(ctx, OrganisationId(o)).await?.map(Organisation)),
            None => Ok(None),
        }
    }
}

/// A language, by ISO 639 code.
#[derive(SimpleObject, Clone)]
pub struct Language {
    pub code: String,
    pub name: String,
}

impl Language {
    pub fn from_code(code: &str) -> Self {
        let name = LanguageCode::parse("", code)
            .map(|l| l.name().to_owned())
            .unwrap_or_else(|_| code.to_owned());
        Self {
            code: code.to_owned(),
            name,
        }
    }
}

/// One person sent to a service, or not yet matched. Holds no name or
/// contact details: a pseudonymous reference only.
#[derive(Clone)]
pub struct Referral(pub referral::Model);

#[Object]
impl Referral {
    pub async fn id(&self) -> ID {
        ids::encode("Referral", self.0.id)
    }

    /// The pseudonymous reference the gateway gave it.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    async fn gateway(&self, ctx: &Context<'_>) -> Result<Option<Gateway>> {
        Ok(load(ctx, GatewayId(self.0.gateway_id)).await?.map(Gateway))
    }

    /// The service it is with now, if matched.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.0.service_id {
            Some(s) => Ok(load(ctx, ServiceId(s)).await?.map(Service)),
            None => Ok(None),
        }
    }

    async fn age_band(&self) -> Result<AgeBand> {
        Ok(stored(codes::AgeBand::parse, &self.0.age_band)?.into())
    }

    async fn residence_ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.residence_ward_id)).await?.map(Area))
    }

    async fn preferred_language(&self) -> Option<Language> {
        self.0
            .preferred_language
            .as_deref()
            .map(Language::from_code)
    }

    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn needs(&self, ctx: &Context<'_>) -> Result<Vec<NeedCode>> {
        let codes = load(ctx, ReferralNeeds(self.0.id))
            .await?
            .unwrap_or_default();
        codes
            .iter()
            .map(|c| Ok(stored(codes::Need::parse, c)?.into()))
            .collect()
    }

    async fn state(&self) -> Result<ReferralState> {
        Ok(stored(lifecycle::ReferralState::parse, &self.0.state)?.into())
    }

    /// Bumped by every transition; a change made against an older version
    /// is refused.
    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn received_at(&self) -> DateTime<Utc> {
        self.0.received_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Its whole history, oldest first. Events at another organisation's
    /// services show a provider their outline only (see `withheld`).
    #[graphql(complexity = "cost::list(cost::estimate::REFERRAL_EVENTS, child_complexity)")]
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<ReferralEvent>> {
        let rows = load(ctx, ReferralEvents(self.0.id))
            .await?
            .unwrap_or_default();
        ReferralEvent::all_seen(ctx, self.0.gateway_id, rows).await
    }
}

/// One transition of a referral. Events are append-only. What the caller
/// sees of it is decided when it is wrapped, by `Principal::event_view`.
#[derive(Clone)]
pub struct ReferralEvent {
    row: referral_event::Model,
    view: EventView,
}

impl ReferralEvent {
    /// `row`, an event of a referral that came through `gateway_id`, at a
    /// service run by `organisation_id` (if it has a service), as `viewer`
    /// may see it.
    pub fn seen_by(
        viewer: &Principal,
        gateway_id: i64,
        organisation_id: Option<i64>,
        row: referral_event::Model,
    ) -> Self {
        let place = EventPlace::of(row.service_id, organisation_id);
        Self {
            view: viewer.event_view(gateway_id, place),
            row,
        }
    }

    /// Events of one referral as the caller may see them; the organisations
    /// running their services come in one batch through the loader.
    pub async fn all_seen(
        ctx: &Context<'_>,
        gateway_id: i64,
        rows: Vec<referral_event::Model>,
    ) -> Result<Vec<Self>> {
        let services = ctx
            .loader()
            .load_many(rows.iter().filter_map(|e| e.service_id).map(ServiceId))
            .await?;
        let viewer = ctx.principal();
        Ok(rows
            .into_iter()
            .map(|row| {
                let organisation = row
                    .service_id
                    .and_then(|s| services.get(&ServiceId(s)))
                    .map(|s| s.organisation_id);
                Self::seen_by(viewer, gateway_id, organisation, row)
            })
            .collect())
    }

    fn whole(&self) -> bool {
        self.view == EventView::Whole
    }
}

#[Object]
impl ReferralEvent {
    pub async fn id(&self) -> ID {
        ids::encode("ReferralEvent", self.row.id)
    }

    /// The state before this transition; null for the first event.
    #[graphql(name = "fromState")]
    async fn previous_state(&self) -> Result<Option<ReferralState>> {
        self.row
            .from_state
            .as_deref()
            .map(|s| Ok(stored(lifecycle::ReferralState::parse, s)?.into()))
            .transpose()
    }

    async fn to_state(&self) -> Result<ReferralState> {
        Ok(stored(lifecycle::ReferralState::parse, &self.row.to_state)?.into())
    }

    /// The service concerned, where there was one; null, too, for an event
    /// at another organisation's service (`withheld`).
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.row.service_id {
            Some(s) if self.whole() => Ok(load(ctx, ServiceId(s)).await?.map(Service)),
            _ => Ok(None),
        }
    }

    async fn occurred_at(&self) -> DateTime<Utc> {
        self.row.occurred_at
    }

    /// The role of whoever made the transition.
    async fn actor_role(&self) -> Result<Option<Role>> {
        self.row
            .actor_role
            .as_deref()
            .map(|r| Ok(stored(codes::Role::parse, r)?.into()))
            .transpose()
    }

    /// Why a referral was declined.
    async fn reason(&self) -> Result<Option<DeclineReason>> {
        self.row
            .reason
            .as_deref()
            .map(|r| Ok(stored(codes::DeclineReason::parse, r)?.into()))
            .transpose()
    }

    /// The capability that was missing, for a decline for capability.
    async fn missing_capability(&self) -> Result<Option<Capability>> {
        match (&self.row.capability_kind, &self.row.capability_code) {
            (Some(k), Some(c)) => Ok(Some(Capability::from_codes(k, c)?)),
            _ => Ok(None),
        }
    }

    /// Free text from whoever made the transition; null for an event at
    /// another organisation's service (`withheld`).
    async fn note(&self) -> Option<&str> {
        self.row.note.as_deref().filter(|_| self.whole())
    }

    /// True when the event happened at another organisation's service and
    /// the caller, a provider, sees its outline only: the states, the time,
    /// the actor's role, the reason and missing capability, but not its
    /// service or note.
    async fn withheld(&self) -> bool {
        !self.whole()
    }
}
