//! `capacityOverview` and `capacityTrend`.

use async_graphql::{Context, Object, Result, ID};
use chrono::{Duration, Utc};

use super::{offset_page, WindowInput};
use crate::domain::access::READS_EXACT_COUNTS;
use crate::domain::codes;
use crate::domain::metrics::overview::{self, Measures};
use crate::domain::metrics::Window;
use crate::graphql::connection::{Conn, Page};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::enums::{NeedCode, OverviewGroupBy, OverviewSort};
use crate::graphql::ids::decode_opt;
use crate::graphql::types::overview::CapacityGroup;
use crate::store::metrics::{self as store, OverviewQuery, Reads};

#[derive(Default)]
pub struct MetricsQuery;

#[Object]
impl MetricsQuery {
    /// Capacity, demand, load, headroom, waits and declines over a window,
    /// per group, most over capacity first unless sorted otherwise. Every
    /// row says its window; service rows list the capacity versions used.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "cost::connection(first, child_complexity, cost::over(&window, cost::Scope::of_area(&area_id)))"
    )]
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
        ctx.require(READS_EXACT_COUNTS, "reading the capacity overview")?;
        let page = Page::parse(first, after)?;
        let window = window.parse()?;
        let group_by = group_by.unwrap_or(OverviewGroupBy::Service);
        let sort = sort.unwrap_or(OverviewSort::MostOverCapacity);
        let stale_after_days = ctx.settings().stale_after_days;
        let q = OverviewQuery {
            windows: vec![window],
            services: None,
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            need: need.map(|n| codes::Need::from(n).as_str().to_owned()),
            gateway_id: decode_opt("gatewayId", "Gateway", gateway_id.as_ref())?,
            group_by: group_by.into(),
            today: ctx.today(),
            stale_before: Utc::now() - Duration::days(stale_after_days),
            keyed: None,
            reads: Reads::All,
        };
        let rows = store::overview(ctx.store(), &q).await?;
        let mut groups = to_groups(rows, &q.windows, group_by, stale_after_days);
        overview::sort(&mut groups, sort.into(), |g| (&g.measures, g.wait_median));
        Ok(offset_page(page, groups))
    }

    /// The same measures week by week over the window (the last week may be
    /// short), for one service or everything in scope: one point a week.
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "cost::trend(&window, cost::Scope::of(&service_id, &area_id), child_complexity)"
    )]
    async fn capacity_trend(
        &self,
        ctx: &Context<'_>,
        window: WindowInput,
        #[graphql(desc = "Services in this ICB, local authority or ward.")] area_id: Option<ID>,
        #[graphql(desc = "One service only.")] service_id: Option<ID>,
        #[graphql(desc = "Services that address this need.")] need: Option<NeedCode>,
        #[graphql(desc = "Count only demand from this gateway.")] gateway_id: Option<ID>,
    ) -> Result<Vec<CapacityGroup>> {
        ctx.require(READS_EXACT_COUNTS, "reading a capacity trend")?;
        let window = window.parse()?;
        let stale_after_days = ctx.settings().stale_after_days;
        let q = OverviewQuery {
            windows: window.weeks_in(),
            area_id: decode_opt("areaId", "Area", area_id.as_ref())?,
            services: decode_opt("serviceId", "Service", service_id.as_ref())?.map(|s| vec![s]),
            need: need.map(|n| codes::Need::from(n).as_str().to_owned()),
            gateway_id: decode_opt("gatewayId", "Gateway", gateway_id.as_ref())?,
            group_by: OverviewGroupBy::All.into(),
            today: ctx.today(),
            stale_before: Utc::now() - Duration::days(stale_after_days),
            keyed: None,
            reads: Reads::All,
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
            let sums = r.sums();
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
