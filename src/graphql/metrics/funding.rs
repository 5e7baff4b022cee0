//! `fundingGaps` and `fundingGapTotal`.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use super::{offset_page, WindowInput};
use crate::app::funding;
use crate::domain::access::READS_EXACT_COUNTS;
use crate::graphql::connection::{Conn, Page};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::enums::FundingGroupBy;
use crate::graphql::ids::decode_opt;
use crate::graphql::scalars::Pence;
use crate::graphql::types::funding_gap::FundingGapRow;
use crate::graphql::types::overview::WindowInfo;
use crate::store::funding_gaps as funding_store;

#[derive(Default)]
pub struct FundingQuery;

#[Object]
impl FundingQuery {
    /// The cost of the demand served (referrals started × unit cost)
    /// against funding prorated to the period (and tariffs earned), per
    /// group, most under-funded first. Grouped by service, only awards tied
    /// to a service count; organisation-wide awards show from the
    /// organisation level up.
    #[graphql(
        complexity = "cost::connection(first, child_complexity, cost::over(&period, cost::Scope::of_area(&area_id)))"
    )]
    async fn funding_gaps(
        &self,
        ctx: &Context<'_>,
        period: WindowInput,
        #[graphql(desc = "Services and organisations in this ICB, local authority or ward.")]
        area_id: Option<ID>,
        #[graphql(desc = "ORGANISATION if left out.")] group_by: Option<FundingGroupBy>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<FundingGapRow>> {
        ctx.require(READS_EXACT_COUNTS, "reading funding gaps")?;
        let page = Page::parse(first, after)?;
        let period = period.parse()?;
        let group_by = group_by.unwrap_or(FundingGroupBy::Organisation);
        let q = funding_store::FundingQuery {
            period,
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            group_by: group_by.into(),
        };
        let rows: Vec<FundingGapRow> = funding::funding_gaps(&ctx.app(), &q)
            .await?
            .into_iter()
            .map(|g| FundingGapRow {
                group_by,
                key: g.key,
                period,
                started: g.started,
                tariff_pence: g.tariff_pence,
                gap: g.gap,
            })
            .collect();
        Ok(offset_page(page, rows))
    }

    /// Everything in the area (everywhere without one) as one gap: every
    /// group's exact amounts added, then rounded once, so it is not the sum
    /// of the rounded rows.
    #[graphql(complexity = "cost::over(&period, cost::Scope::of_area(&area_id))")]
    async fn funding_gap_total(
        &self,
        ctx: &Context<'_>,
        period: WindowInput,
        #[graphql(desc = "Services and organisations in this ICB, local authority or ward.")]
        area_id: Option<ID>,
    ) -> Result<FundingTotal> {
        ctx.require(READS_EXACT_COUNTS, "reading the funding gap")?;
        let period = period.parse()?;
        let area_id = decode_opt("areaId", "Area", area_id.as_ref())?;
        let g = funding::funding_total(&ctx.app(), period, area_id).await?;
        Ok(FundingTotal {
            period: period.into(),
            referrals_started: g.started,
            cost_of_demand: Pence(g.gap.cost_pence),
            tariffs_earned: Pence(g.tariff_pence),
            funding: Pence(g.gap.funding_pence),
            gap: Pence(g.gap.gap_pence),
            under_funded: g.gap.gap_pence > 0,
        })
    }
}

/// The funding gap of everything in scope, as the rows define it.
#[derive(SimpleObject)]
pub struct FundingTotal {
    pub period: WindowInfo,
    pub referrals_started: i64,
    /// Referrals started × each service's unit cost.
    pub cost_of_demand: Pence,
    /// What per-referral tariffs paid for referrals started in the period.
    pub tariffs_earned: Pence,
    /// Awards prorated to the period by days, plus tariffs earned.
    pub funding: Pence,
    /// Cost − funding. Positive means under-funded.
    pub gap: Pence,
    pub under_funded: bool,
}
