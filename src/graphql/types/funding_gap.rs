//! One row of the funding gaps: cost of demand served against funding.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result};

use super::area::Area;
use super::funding::FundingAward;
use super::load;
use super::organisation::Organisation;
use super::overview::WindowInfo;
use super::service::Service;
use crate::domain::metrics::funding::{award_period, FundingGap};
use crate::domain::metrics::Window;
use crate::graphql::enums::FundingGroupBy;
use crate::graphql::loaders::{
    AreaId, OrganisationAwards, OrganisationId, ServiceAwards, ServiceId,
};
use crate::graphql::scalars::Pence;

#[derive(Clone)]
pub struct FundingGapRow {
    pub group_by: FundingGroupBy,
    pub key: String,
    pub period: Window,
    pub started: i64,
    pub tariff_pence: i64,
    pub gap: FundingGap,
}

impl FundingGapRow {
    fn id(&self, by: &[FundingGroupBy]) -> Option<i64> {
        by.contains(&self.group_by)
            .then(|| self.key.parse().ok())
            .flatten()
    }
}

#[Object]
impl FundingGapRow {
    async fn group_by(&self) -> FundingGroupBy {
        self.group_by
    }

    async fn key(&self) -> &str {
        &self.key
    }

    /// The group's name, for people.
    async fn label(&self, ctx: &Context<'_>) -> Result<String> {
        let id = self.key.parse::<i64>().ok();
        let name = match (self.group_by, id) {
            (FundingGroupBy::Service, Some(id)) => load(ctx, ServiceId(id)).await?.map(|s| s.name),
            (FundingGroupBy::Organisation, Some(id)) => {
                load(ctx, OrganisationId(id)).await?.map(|o| o.name)
            }
            (_, Some(id)) => load(ctx, AreaId(id)).await?.map(|a| a.name),
            (_, None) => None,
        };
        Ok(name.unwrap_or_else(|| "Place not recorded".to_owned()))
    }

    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.id(&[FundingGroupBy::Service]) {
            Some(id) => Ok(load(ctx, ServiceId(id)).await?.map(Service)),
            None => Ok(None),
        }
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.id(&[FundingGroupBy::Organisation]) {
            Some(id) => Ok(load(ctx, OrganisationId(id)).await?.map(Organisation)),
            None => Ok(None),
        }
    }

    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        let areas = [
            FundingGroupBy::Ward,
            FundingGroupBy::LocalAuthority,
            FundingGroupBy::Icb,
        ];
        match self.id(&areas) {
            Some(id) => Ok(load(ctx, AreaId(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    async fn period(&self) -> WindowInfo {
        self.period.into()
    }

    /// Referrals started in the period.
    async fn referrals_started(&self) -> i64 {
        self.started
    }

    /// Referrals started × each service's unit cost.
    async fn cost_of_demand(&self) -> Pence {
        Pence(self.gap.cost_pence)
    }

    /// What per-referral tariffs paid for referrals started in the period.
    async fn tariffs_earned(&self) -> Pence {
        Pence(self.tariff_pence)
    }

    /// Awards prorated to the period by days, plus tariffs earned; rounded
    /// once, half to even.
    async fn funding(&self) -> Pence {
        Pence(self.gap.funding_pence)
    }

    /// Cost − funding. Positive means under-funded.
    async fn gap(&self) -> Pence {
        Pence(self.gap.gap_pence)
    }

    async fn under_funded(&self) -> bool {
        self.gap.gap_pence > 0
    }

    /// The awards behind the funding figure (service and organisation rows):
    /// those whose planned period overlaps the period.
    #[graphql(complexity = "cost::list(cost::estimate::PER_ORGANISATION, child_complexity)")]
    async fn awards(&self, ctx: &Context<'_>) -> Result<Vec<FundingAward>> {
        let rows = match (self.group_by, self.key.parse::<i64>().ok()) {
            (FundingGroupBy::Service, Some(id)) => load(ctx, ServiceAwards(id)).await?,
            (FundingGroupBy::Organisation, Some(id)) => load(ctx, OrganisationAwards(id)).await?,
            _ => None,
        };
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .filter(|a| {
                let p = award_period(a.award_date, a.planned_start, a.planned_end);
                self.period.overlap_days(p.from(), Some(p.to())) > 0
            })
            .map(FundingAward)
            .collect())
    }
}
