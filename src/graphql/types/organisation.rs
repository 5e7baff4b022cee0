//! Organisations and locations.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, Utc};

use super::area::Area;
use super::funding::{Contribution, FundingAward, Skill};
use super::service::Service;
use super::{load, load_list};
use crate::domain::codes;
use crate::graphql::enums::{stored, LocationKind, OrganisationKind};
use crate::graphql::ids;
use crate::graphql::loaders::{
    AreaId, OrganisationAwards, OrganisationContributions, OrganisationId, OrganisationLocations,
    OrganisationServices, OrganisationSkills,
};
use crate::store::entity::{location, organisation};

/// A VCS organisation or statutory body.
#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

#[Object]
impl Organisation {
    pub async fn id(&self) -> ID {
        ids::encode("Organisation", self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> Result<OrganisationKind> {
        Ok(stored(codes::OrganisationKind::parse, &self.0.kind)?.into())
    }

    /// The org-id used by 360Giving (for example GB-CHC-1234567).
    async fn org_identifier(&self) -> Option<&str> {
        self.0.org_identifier.as_deref()
    }

    async fn charity_number(&self) -> Option<&str> {
        self.0.charity_number.as_deref()
    }

    async fn company_number(&self) -> Option<&str> {
        self.0.company_number.as_deref()
    }

    /// A community anchor: a locally led organisation that others rely on.
    async fn community_anchor(&self) -> bool {
        self.0.community_anchor
    }

    /// The ward of its main base.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.ward_id {
            Some(w) => Ok(load(ctx, AreaId(w)).await?.map(Area)),
            None => Ok(None),
        }
    }

    #[graphql(complexity = "cost::list(cost::estimate::PER_ORGANISATION, child_complexity)")]
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        load_list(ctx, OrganisationLocations(self.0.id), Location).await
    }

    #[graphql(complexity = "cost::list(cost::estimate::PER_ORGANISATION, child_complexity)")]
    async fn services(&self, ctx: &Context<'_>) -> Result<Vec<Service>> {
        load_list(ctx, OrganisationServices(self.0.id), Service).await
    }

    #[graphql(complexity = "cost::list(cost::estimate::PER_ORGANISATION, child_complexity)")]
    async fn funding_awards(&self, ctx: &Context<'_>) -> Result<Vec<FundingAward>> {
        load_list(ctx, OrganisationAwards(self.0.id), FundingAward).await
    }

    /// Uncommissioned work it has recorded.
    #[graphql(complexity = "cost::list(cost::estimate::CONTRIBUTIONS, child_complexity)")]
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<Contribution>> {
        load_list(ctx, OrganisationContributions(self.0.id), Contribution).await
    }

    #[graphql(complexity = "cost::list(cost::estimate::PER_ORGANISATION, child_complexity)")]
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<Skill>> {
        load_list(ctx, OrganisationSkills(self.0.id), Skill).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A venue: a community centre, place of worship, library, …
#[derive(Clone)]
pub struct Location(pub location::Model);

#[Object]
impl Location {
    pub async fn id(&self) -> ID {
        ids::encode("Location", self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self) -> Result<LocationKind> {
        Ok(stored(codes::LocationKind::parse, &self.0.kind)?.into())
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.0.organisation_id {
            Some(o) => Ok(load(ctx, OrganisationId(o)).await?.map(Organisation)),
            None => Ok(None),
        }
    }

    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.ward_id)).await?.map(Area))
    }

    async fn postcode(&self) -> Option<&str> {
        self.0.postcode.as_deref()
    }

    async fn latitude(&self) -> Option<f64> {
        self.0.latitude
    }

    async fn longitude(&self) -> Option<f64> {
        self.0.longitude
    }
}
