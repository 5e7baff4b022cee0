//! The commissioner's queries: load, headroom, waits and declines.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, InputObject, Object, Result, ID};
use chrono::{Duration, Utc};

use super::connection::{Conn, Page, TotalCount};
use super::context::ContextExt;
use std::collections::HashMap;

use super::enums::{FundingGroupBy, NeedCode, OverviewGroupBy, OverviewSort};
use super::ids::{self, decode_opt};
use super::scalars::Date;
use super::types::funding_gap::FundingGapRow;
use super::types::overview::CapacityGroup;
use crate::domain::codes;
use crate::domain::metrics::funding::{sum_fractions, FundingGap};
use crate::domain::metrics::overview::{self, Measures, Sums};
use crate::domain::metrics::Window;
use crate::store::funding_gaps as funding_store;
use crate::store::metrics::{self as store, OverviewQuery};

#[derive(Default)]
pub struct MetricsQuery;

#[derive(Default)]
pub struct FundingQuery;

/// A half-open range of days: `from` is in it, `to` is the first day after.
#[derive(InputObject, Clone, Copy)]
pub struct WindowInput {
    pub from: Date,
    pub to: Date,
}

impl WindowInput {
    pub fn parse(self) -> Result<Window, crate::error::AppError> {
        Ok(Window::parse(self.from.0, self.to.0)?)
    }
}

#[Object]
impl MetricsQuery {
    /// Capacity, demand, load, headroom, waits and declines over a window,
    /// per group, most over capacity first unless sorted otherwise. Every
    /// row says its window; service rows list the capacity versions used.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
    async fn capacity_overview(
        &self,
        ctx: &Context<'_>,
        window: WindowInput,
        #[graphql(desc = "Services in this ICB, local authority or ward.")] area_id: Option<ID>,
        #[graphql(desc = "Services that address this need.")] need: Option<NeedCode>,
        #[graphql(desc = "Count only demand from this gateway.")] gateway_id: Option<ID>,
        #[graphql(desc = "SERVICE if left out.")] group_by: Option<OverviewGroupBy>,
        #[graphql(desc = "MOST_OVER_CAPACITY if left out.")] sort: Option<OverviewSort>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<CapacityGroup>> {
        let page = Page::parse(first, after)?;
        let window = window.parse()?;
        let group_by = group_by.unwrap_or(OverviewGroupBy::Service);
        let sort = sort.unwrap_or(OverviewSort::MostOverCapacity);
        let stale_after_days = ctx.settings().stale_after_days;
        let q = OverviewQuery {
            windows: vec![window],
            service_id: None,
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            need: need.map(|n| codes::Need::from(n).as_str().to_owned()),
            gateway_id: decode_opt("gatewayId", "Gateway", gateway_id.as_ref())?,
            group_by: group_by.into(),
            today: ctx.today(),
            stale_before: Utc::now() - Duration::days(stale_after_days),
        };
        let rows = store::overview(ctx.store(), &q).await?;
        let mut groups = to_groups(rows, &q.windows, group_by, stale_after_days);
        overview::sort(&mut groups, sort.into(), |g| (&g.measures, g.wait_median));
        Ok(offset_page(page, groups))
    }

    /// The same measures week by week over the window (the last week may be
    /// short), for one service or everything in scope: one point a week.
    #[allow(clippy::too_many_arguments)]
    async fn capacity_trend(
        &self,
        ctx: &Context<'_>,
        window: WindowInput,
        #[graphql(desc = "Services in this ICB, local authority or ward.")] area_id: Option<ID>,
        #[graphql(desc = "One service only.")] service_id: Option<ID>,
        #[graphql(desc = "Services that address this need.")] need: Option<NeedCode>,
        #[graphql(desc = "Count only demand from this gateway.")] gateway_id: Option<ID>,
    ) -> Result<Vec<CapacityGroup>> {
        let window = window.parse()?;
        let stale_after_days = ctx.settings().stale_after_days;
        let q = OverviewQuery {
            windows: window.weeks_in(),
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            service_id: decode_opt("serviceId", "Service", service_id.as_ref())?,
            need: need.map(|n| codes::Need::from(n).as_str().to_owned()),
            gateway_id: decode_opt("gatewayId", "Gateway", gateway_id.as_ref())?,
            group_by: OverviewGroupBy::All.into(),
            today: ctx.today(),
            stale_before: Utc::now() - Duration::days(stale_after_days),
        };
        let rows = store::overview(ctx.store(), &q).await?;
        Ok(to_groups(
            rows,
            &q.windows,
            OverviewGroupBy::All,
            stale_after_days,
        ))
    }
}

#[Object]
impl FundingQuery {
    /// The cost of the demand served (referrals started × unit cost)
    /// against funding prorated to the period (and tariffs earned), per
    /// group, most under-funded first. Grouped by service, only awards tied
    /// to a service count; organisation-wide awards show from the
    /// organisation level up.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity")]
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
        let page = Page::parse(first, after)?;
        let period = period.parse()?;
        let group_by = group_by.unwrap_or(FundingGroupBy::Organisation);
        let q = funding_store::FundingQuery {
            period,
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            group_by: group_by.into(),
        };
        let (costs, terms) = funding_store::funding_gaps(ctx.store(), &q).await?;
        let mut terms_by_key: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        for t in terms {
            terms_by_key
                .entry(t.key)
                .or_default()
                .push((t.numerator, t.days));
        }
        let mut rows: Vec<FundingGapRow> = costs
            .into_iter()
            .map(|c| {
                let prorated = sum_fractions(terms_by_key.remove(&c.key).unwrap_or_default());
                FundingGapRow {
                    group_by,
                    gap: FundingGap::of(c.cost_pence, &prorated, c.tariff_pence),
                    key: c.key,
                    period,
                    started: c.started,
                    tariff_pence: c.tariff_pence,
                }
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.gap.gap_pence));
        Ok(offset_page(page, rows))
    }
}

/// Rows from the store, as the API shows them.
fn to_groups(
    rows: Vec<store::OverviewRow>,
    windows: &[Window],
    group_by: OverviewGroupBy,
    stale_after_days: i64,
) -> Vec<CapacityGroup> {
    rows.into_iter()
        .filter_map(|r| {
            let window = *windows.get(usize::try_from(r.bucket).ok()?)?;
            let sums = Sums {
                services: r.services,
                place_days: r.place_days,
                caseload_days: r.caseload_days,
                demand: r.demand,
                active_days: r.active_days,
                waiting_days: r.waiting_days,
                answered: r.answered,
                declined_capacity: r.declined_capacity,
                declined_capability: r.declined_capability,
            };
            Some(CapacityGroup {
                group_by,
                key: r.key,
                window,
                services: r.services,
                measures: Measures::of(&sums, &window),
                referrals_accepted: r.demand,
                referrals_answered: r.answered,
                waiting_at_end: r.waiting_at_end,
                waits: r.waits,
                wait_median: r.wait_median,
                wait_p90: r.wait_p90,
                stale_services: r.stale_services,
                oldest_confirmation: r.oldest_confirmation,
                status: r.status,
                stale_after_days,
            })
        })
        .collect()
}

/// A page of rows already in memory and in order; cursors are offsets.
fn offset_page<T: async_graphql::OutputType>(page: Page, rows: Vec<T>) -> Conn<T> {
    let total = rows.len() as u64;
    let start = page.after.map_or(0, |a| a as usize + 1);
    let has_next = rows.len() > start + page.first;
    let mut conn = Connection::with_additional_fields(
        start > 0,
        has_next,
        TotalCount::new(move || async move { Ok(total) }),
    );
    conn.edges.extend(
        rows.into_iter()
            .enumerate()
            .skip(start)
            .take(page.first)
            .map(|(i, g)| Edge::new(ids::encode("cursor", i as i64).0, g)),
    );
    conn
}
