//! The read side: `node`, one connection per kind of record, `needs` and
//! `viewer`. Resolvers parse arguments, ask the store, and wrap rows.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::connection::{build, Conn, Page, TotalCount};
use super::context::ContextExt;
use super::cost;
use super::enums::*;
use super::ids::decode_opt;
use super::inputs::CapabilityInput;
use super::loaders::{GatewayId, OrganisationId};
use super::node::{self, Node};
use super::types::area::{Area, Pcn};
use super::types::funding::{Contribution, FundingAward, Skill};
use super::types::load;
use super::types::organisation::{Location, Organisation};
use super::types::referral::{Gateway, Referral};
use super::types::service::{Capability, Service};
use super::types::unmet_need::UnmetNeed;
use crate::domain::codes;
use crate::store::page as store_page;
use crate::store::{
    areas, entity, funding, gateways, organisations, referrals, services, unmet_needs,
};

/// The read side: browsing and the commissioner's measures.
#[derive(async_graphql::MergedObject, Default)]
pub struct QueryRoot(
    BrowseQuery,
    super::metrics::MetricsQuery,
    super::metrics::FundingQuery,
    super::metrics::ContributionQuery,
    super::search::SearchQuery,
    super::scenarios::ScenarioQuery,
    super::analytics::AnalyticsQuery,
);

#[derive(Default)]
pub struct BrowseQuery;

/// Builds a connection: parse the page, fetch one extra row, and count
/// lazily with the same filter.
macro_rules! connect {
    ($ctx:expr, $first:expr, $after:expr, $filter:expr, $entity:ty, $wrap:expr) => {{
        let page = Page::parse($first, $after)?;
        let store = $ctx.store().clone();
        let filter = $filter;
        let rows = store_page::list::<$entity>(&store, &filter, page.request()).await?;
        let total = TotalCount::new(move || {
            let (store, filter) = (store.clone(), filter.clone());
            async move { store_page::total::<$entity>(&store, &filter).await }
        });
        Ok(build(page, rows, |r| r.id, $wrap, total))
    }};
}

#[derive(InputObject, Default)]
pub struct AreaFilter {
    pub kind: Option<AreaKind>,
    /// Only the areas directly inside this one.
    pub parent_id: Option<ID>,
    /// The area with this ONS code.
    pub code: Option<String>,
}

#[derive(InputObject, Default)]
pub struct PcnFilter {
    pub icb_id: Option<ID>,
}

#[derive(InputObject, Default)]
pub struct OrganisationFilter {
    pub kind: Option<OrganisationKind>,
    pub ward_id: Option<ID>,
    pub name_contains: Option<String>,
    pub community_anchor: Option<bool>,
}

#[derive(InputObject, Default)]
pub struct LocationFilter {
    pub organisation_id: Option<ID>,
    pub ward_id: Option<ID>,
}

#[derive(InputObject, Default)]
pub struct ServiceFilter {
    pub organisation_id: Option<ID>,
    pub location_id: Option<ID>,
    /// Services at a location in this ward.
    pub ward_id: Option<ID>,
    pub need: Option<NeedCode>,
    pub capability: Option<CapabilityInput>,
    pub name_contains: Option<String>,
}

#[derive(InputObject, Default)]
pub struct GatewayFilter {
    pub kind: Option<GatewayKind>,
    pub pcn_id: Option<ID>,
}

#[derive(InputObject, Default)]
pub struct ReferralFilter {
    pub gateway_id: Option<ID>,
    pub service_id: Option<ID>,
    pub state: Option<ReferralState>,
}

#[derive(InputObject, Default)]
pub struct FundingAwardFilter {
    pub organisation_id: Option<ID>,
    pub service_id: Option<ID>,
    pub kind: Option<FundingKind>,
}

#[derive(InputObject, Default)]
pub struct ContributionFilter {
    pub organisation_id: Option<ID>,
    pub kind: Option<ContributionKind>,
}

#[derive(InputObject, Default)]
pub struct SkillFilter {
    pub organisation_id: Option<ID>,
    pub skill: Option<SkillCode>,
}

#[derive(InputObject, Default)]
pub struct UnmetNeedFilter {
    pub area_id: Option<ID>,
    pub need: Option<NeedCode>,
    pub status: Option<UnmetNeedStatus>,
}

/// A need code with its label.
#[derive(SimpleObject)]
pub struct NeedInfo {
    pub code: NeedCode,
    pub label: String,
}

/// The key making this request.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Viewer {
    pub role: Role,
    #[graphql(skip)]
    organisation_id: Option<i64>,
    #[graphql(skip)]
    gateway_id: Option<i64>,
}

#[async_graphql::ComplexObject]
impl Viewer {
    /// The organisation a provider key acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.organisation_id {
            Some(o) => Ok(load(ctx, OrganisationId(o)).await?.map(Organisation)),
            None => Ok(None),
        }
    }

    /// The gateway a link worker key acts for.
    async fn gateway(&self, ctx: &Context<'_>) -> Result<Option<Gateway>> {
        match self.gateway_id {
            Some(g) => Ok(load(ctx, GatewayId(g)).await?.map(Gateway)),
            None => Ok(None),
        }
    }
}

fn kind_code<T: Into<D>, D>(v: Option<T>, as_str: fn(D) -> &'static str) -> Option<String> {
    v.map(|v| as_str(v.into()).to_owned())
}

#[Object]
impl BrowseQuery {
    /// The caller's own key: role, and the organisation or gateway it acts for.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        let p = ctx.principal();
        Viewer {
            role: p.role.into(),
            organisation_id: p.organisation_id,
            gateway_id: p.gateway_id,
        }
    }

    /// Any object by its global id.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        node::resolve(ctx, &id).await
    }

    /// Every need code, with its label, in display order.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn needs(&self, ctx: &Context<'_>) -> Result<Vec<NeedInfo>> {
        let rows = crate::store::services::all_needs(ctx.store()).await?;
        rows.into_iter()
            .map(|n| {
                let code = super::enums::stored(codes::Need::parse, &n.code)?;
                Ok(NeedInfo {
                    code: code.into(),
                    label: n.label,
                })
            })
            .collect()
    }

    /// Every capability a service can offer other than a language (which
    /// is any ISO 639 code), with its label, kind by kind.
    #[graphql(complexity = "cost::list(2 * cost::estimate::CODES, child_complexity)")]
    async fn capability_vocabulary(&self) -> Vec<Capability> {
        crate::domain::capability::CapabilityKind::ALL
            .iter()
            .filter_map(|kind| Some((*kind, kind.vocabulary()?)))
            .flat_map(|(kind, codes)| {
                codes.iter().map(move |(code, label)| Capability {
                    kind: kind.into(),
                    code: (*code).to_owned(),
                    label: (*label).to_owned(),
                })
            })
            .collect()
    }

    /// ICBs, local authorities and wards.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn areas(
        &self,
        ctx: &Context<'_>,
        filter: Option<AreaFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Area>> {
        let f = filter.unwrap_or_default();
        let filter = areas::AreaFilter {
            kind: kind_code(f.kind, codes::AreaKind::as_str),
            parent_id: decode_opt("filter.parentId", "Area", f.parent_id.as_ref())?,
            code: f.code.map(|c| c.trim().to_ascii_uppercase()),
        };
        connect!(ctx, first, after, filter, entity::area::Entity, Area)
    }

    /// Primary care networks.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn pcns(
        &self,
        ctx: &Context<'_>,
        filter: Option<PcnFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Pcn>> {
        let f = filter.unwrap_or_default();
        let filter = areas::PcnFilter {
            icb_id: decode_opt("filter.icbId", "Area", f.icb_id.as_ref())?,
        };
        connect!(ctx, first, after, filter, entity::pcn::Entity, Pcn)
    }

    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Organisation>> {
        let f = filter.unwrap_or_default();
        let filter = organisations::OrganisationFilter {
            kind: kind_code(f.kind, codes::OrganisationKind::as_str),
            ward_id: decode_opt("filter.wardId", "Area", f.ward_id.as_ref())?,
            name_contains: f.name_contains,
            community_anchor: f.community_anchor,
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::organisation::Entity,
            Organisation
        )
    }

    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn locations(
        &self,
        ctx: &Context<'_>,
        filter: Option<LocationFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Location>> {
        let f = filter.unwrap_or_default();
        let filter = organisations::LocationFilter {
            organisation_id: decode_opt(
                "filter.organisationId",
                "Organisation",
                f.organisation_id.as_ref(),
            )?,
            ward_id: decode_opt("filter.wardId", "Area", f.ward_id.as_ref())?,
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::location::Entity,
            Location
        )
    }

    /// Services, optionally by organisation, location, ward, need or capability.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn services(
        &self,
        ctx: &Context<'_>,
        filter: Option<ServiceFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Service>> {
        let f = filter.unwrap_or_default();
        let filter = services::ServiceFilter {
            organisation_id: decode_opt(
                "filter.organisationId",
                "Organisation",
                f.organisation_id.as_ref(),
            )?,
            location_id: decode_opt("filter.locationId", "Location", f.location_id.as_ref())?,
            ward_id: decode_opt("filter.wardId", "Area", f.ward_id.as_ref())?,
            need: kind_code(f.need, codes::Need::as_str),
            capability: f
                .capability
                .map(|c| c.parse("filter.capability.code"))
                .transpose()?,
            name_contains: f.name_contains,
        };
        connect!(ctx, first, after, filter, entity::service::Entity, Service)
    }

    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn gateways(
        &self,
        ctx: &Context<'_>,
        filter: Option<GatewayFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Gateway>> {
        let f = filter.unwrap_or_default();
        let filter = gateways::GatewayFilter {
            kind: kind_code(f.kind, codes::GatewayKind::as_str),
            pcn_id: decode_opt("filter.pcnId", "Pcn", f.pcn_id.as_ref())?,
        };
        connect!(ctx, first, after, filter, entity::gateway::Entity, Gateway)
    }

    /// Referrals the caller may see: all for an admin, its gateway's for a
    /// link worker, those sent to its services for a provider. Commissioners
    /// and researchers see aggregates, never referral rows.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn referrals(
        &self,
        ctx: &Context<'_>,
        filter: Option<ReferralFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Referral>> {
        let scope = ctx.referral_scope()?;
        let f = filter.unwrap_or_default();
        let filter = referrals::ReferralFilter {
            scope,
            gateway_id: decode_opt("filter.gatewayId", "Gateway", f.gateway_id.as_ref())?,
            service_id: decode_opt("filter.serviceId", "Service", f.service_id.as_ref())?,
            state: kind_code(f.state, crate::domain::referral::ReferralState::as_str),
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::referral::Entity,
            Referral
        )
    }

    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn funding_awards(
        &self,
        ctx: &Context<'_>,
        filter: Option<FundingAwardFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<FundingAward>> {
        let f = filter.unwrap_or_default();
        let filter = funding::AwardFilter {
            organisation_id: decode_opt(
                "filter.organisationId",
                "Organisation",
                f.organisation_id.as_ref(),
            )?,
            service_id: decode_opt("filter.serviceId", "Service", f.service_id.as_ref())?,
            kind: kind_code(f.kind, codes::FundingKind::as_str),
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::funding_award::Entity,
            FundingAward
        )
    }

    /// Uncommissioned work recorded by organisations.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn contributions(
        &self,
        ctx: &Context<'_>,
        filter: Option<ContributionFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Contribution>> {
        let f = filter.unwrap_or_default();
        let filter = funding::ContributionFilter {
            organisation_id: decode_opt(
                "filter.organisationId",
                "Organisation",
                f.organisation_id.as_ref(),
            )?,
            kind: kind_code(f.kind, codes::ContributionKind::as_str),
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::contribution::Entity,
            Contribution
        )
    }

    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        filter: Option<SkillFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Skill>> {
        let f = filter.unwrap_or_default();
        let filter = funding::SkillFilter {
            organisation_id: decode_opt(
                "filter.organisationId",
                "Organisation",
                f.organisation_id.as_ref(),
            )?,
            skill: kind_code(f.skill, codes::SkillCode::as_str),
        };
        connect!(ctx, first, after, filter, entity::skill::Entity, Skill)
    }

    /// The unmet-needs risk register.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn unmet_needs(
        &self,
        ctx: &Context<'_>,
        filter: Option<UnmetNeedFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<UnmetNeed>> {
        let f = filter.unwrap_or_default();
        let filter = unmet_needs::UnmetNeedFilter {
            area_id: decode_opt("filter.areaId", "Area", f.area_id.as_ref())?,
            need: kind_code(f.need, codes::Need::as_str),
            status: kind_code(f.status, codes::UnmetNeedStatus::as_str),
        };
        connect!(
            ctx,
            first,
            after,
            filter,
            entity::unmet_need::Entity,
            UnmetNeed
        )
    }
}
