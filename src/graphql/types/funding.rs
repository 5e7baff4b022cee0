//! Funding awards, contributions and skills.

use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, Utc};

use super::load;
use super::organisation::Organisation;
use super::service::Service;
use crate::domain::codes;
use crate::graphql::enums::{stored, ContributionKind, FundingKind, SkillCode};
use crate::graphql::ids;
use crate::graphql::loaders::{OrganisationId, ServiceId};
use crate::graphql::scalars::{Date, Pence};
use crate::store::entity::{contribution, funding_award, skill};

/// Money from a funder to an organisation for a period, shaped after the
/// 360Giving standard (identifier, title, amountAwarded, awardDate,
/// plannedDates).
#[derive(Clone)]
pub struct FundingAward(pub funding_award::Model);

#[Object]
impl FundingAward {
    pub async fn id(&self) -> ID {
        ids::encode("FundingAward", self.0.id)
    }

    /// The 360Giving grant identifier.
    async fn identifier(&self) -> &str {
        &self.0.identifier
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    async fn funder_name(&self) -> &str {
        &self.0.funder_name
    }

    /// The funder's org-id.
    async fn funder_identifier(&self) -> Option<&str> {
        self.0.funder_identifier.as_deref()
    }

    async fn recipient(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.0.recipient_organisation_id))
            .await?
            .map(Organisation))
    }

    /// The service it pays for, where it is tied to one.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.0.service_id {
            Some(s) => Ok(load(ctx, ServiceId(s)).await?.map(Service)),
            None => Ok(None),
        }
    }

    async fn kind(&self) -> Result<FundingKind> {
        Ok(stored(codes::FundingKind::parse, &self.0.kind)?.into())
    }

    /// The amount awarded (for a tariff, the ceiling).
    async fn amount(&self) -> Pence {
        Pence(self.0.amount_pence)
    }

    /// For a per-referral tariff: what each referral started pays.
    async fn tariff(&self) -> Option<Pence> {
        self.0.tariff_pence.map(Pence)
    }

    /// ISO 4217 currency code.
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    async fn award_date(&self) -> Date {
        Date(self.0.award_date)
    }

    async fn planned_start(&self) -> Option<Date> {
        self.0.planned_start.map(Date)
    }

    async fn planned_end(&self) -> Option<Date> {
        self.0.planned_end.map(Date)
    }
}

/// Uncommissioned work an organisation did for the wider system.
#[derive(Clone)]
pub struct Contribution(pub contribution::Model);

#[Object]
impl Contribution {
    pub async fn id(&self) -> ID {
        ids::encode("Contribution", self.0.id)
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation))
    }

    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.0.service_id {
            Some(s) => Ok(load(ctx, ServiceId(s)).await?.map(Service)),
            None => Ok(None),
        }
    }

    async fn kind(&self) -> Result<ContributionKind> {
        Ok(stored(codes::ContributionKind::parse, &self.0.kind)?.into())
    }

    /// Hours of work (stored to the minute).
    async fn hours(&self) -> f64 {
        f64::from(self.0.minutes) / 60.0
    }

    async fn period_start(&self) -> Date {
        Date(self.0.period_start)
    }

    /// The last day of the period (inclusive).
    async fn period_end(&self) -> Date {
        Date(self.0.period_end)
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// How many volunteers and paid staff of an organisation have a skill.
#[derive(Clone)]
pub struct Skill(pub skill::Model);

#[Object]
impl Skill {
    pub async fn id(&self) -> ID {
        ids::encode("Skill", self.0.id)
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation))
    }

    async fn skill(&self) -> Result<SkillCode> {
        Ok(stored(codes::SkillCode::parse, &self.0.skill)?.into())
    }

    async fn volunteers(&self) -> i32 {
        self.0.volunteers
    }

    async fn paid_staff(&self) -> i32 {
        self.0.paid_staff
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
