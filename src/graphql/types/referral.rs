//! Gateways, referrals and referral events.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::area::{Area, Pcn};
use super::load;
use super::organisation::Organisation;
use super::service::{Capability, Service};
use crate::domain::codes;
use crate::domain::language::LanguageCode;
use crate::domain::referral as lifecycle;
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

    /// Its whole history, oldest first.
    #[graphql(complexity = "cost::list(cost::estimate::REFERRAL_EVENTS, child_complexity)")]
    async fn events(&self, ctx: &Context<'_>) -> Result<Vec<ReferralEvent>> {
        super::load_list(ctx, ReferralEvents(self.0.id), ReferralEvent).await
    }
}

/// One transition of a referral. Events are append-only.
#[derive(Clone)]
pub struct ReferralEvent(pub referral_event::Model);

#[Object]
impl ReferralEvent {
    pub async fn id(&self) -> ID {
        ids::encode("ReferralEvent", self.0.id)
    }

    /// The state before this transition; null for the first event.
    #[graphql(name = "fromState")]
    async fn previous_state(&self) -> Result<Option<ReferralState>> {
        self.0
            .from_state
            .as_deref()
            .map(|s| Ok(stored(lifecycle::ReferralState::parse, s)?.into()))
            .transpose()
    }

    async fn to_state(&self) -> Result<ReferralState> {
        Ok(stored(lifecycle::ReferralState::parse, &self.0.to_state)?.into())
    }

    /// The service concerned, where there was one.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.0.service_id {
            Some(s) => Ok(load(ctx, ServiceId(s)).await?.map(Service)),
            None => Ok(None),
        }
    }

    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The role of whoever made the transition.
    async fn actor_role(&self) -> Result<Option<Role>> {
        self.0
            .actor_role
            .as_deref()
            .map(|r| Ok(stored(codes::Role::parse, r)?.into()))
            .transpose()
    }

    /// Why a referral was declined.
    async fn reason(&self) -> Result<Option<DeclineReason>> {
        self.0
            .reason
            .as_deref()
            .map(|r| Ok(stored(codes::DeclineReason::parse, r)?.into()))
            .transpose()
    }

    /// The capability that was missing, for a decline for capability.
    async fn missing_capability(&self) -> Result<Option<Capability>> {
        match (&self.0.capability_kind, &self.0.capability_code) {
            (Some(k), Some(c)) => Ok(Some(Capability::from_codes(k, c)?)),
            _ => Ok(None),
        }
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}
