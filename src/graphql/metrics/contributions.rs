//! `uncommissionedWork`.

use async_graphql::{Context, Object, Result, ID};

use super::{offset_page, WindowInput};
use crate::domain::bounds::Money;
use crate::domain::metrics::contribution::Uncommissioned;
use crate::graphql::connection::{Conn, Page};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::ids::decode_opt;
use crate::graphql::scalars::Pence;
use crate::graphql::types::uncommissioned::UncommissionedRow;
use crate::store::uncommissioned;

#[derive(Default)]
pub struct ContributionQuery;

#[Object]
impl ContributionQuery {
    /// Hours of uncommissioned work (interpreting, accompanying, advocacy,
    /// initiating referrals) by organisation and kind in a period, and their
    /// value at the hourly rate given (or the configured default), most
    /// valuable first. Every row shows the rate it used.
    #[graphql(
        complexity = "cost::connection(first, child_complexity, cost::over(&period, cost::Scope::of_area(&area_id)))"
    )]
    async fn uncommissioned_work(
        &self,
        ctx: &Context<'_>,
        period: WindowInput,
        #[graphql(desc = "Organisations based in this ICB, local authority or ward.")]
        area_id: Option<ID>,
        #[graphql(desc = "Pence an hour; the configured default if left out.")] hourly_rate: Option<
            Pence,
        >,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<UncommissionedRow>> {
        let page = Page::parse(first, after)?;
        let period = period.parse()?;
        let rate = match hourly_rate {
            Some(p) => p.amount("hourlyRate", Money::HourlyRate)?,
            None => ctx.settings().default_hourly_rate_pence,
        };
        let area_id = decode_opt("areaId", "Area", area_id.as_ref())?;
        let groups = uncommissioned::contribution_groups(ctx.store(), &period, area_id).await?;
        let mut rows: Vec<UncommissionedRow> = groups
            .into_iter()
            .map(|g| UncommissionedRow {
                organisation_id: g.organisation_id,
                kind: g.kind,
                period,
                work: Uncommissioned::of(g.terms, rate),
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.work.value_pence));
        Ok(offset_page(page, rows))
    }
}
