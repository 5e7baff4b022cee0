//! `uncommissionedWork` and `uncommissionedWorkTotal`.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use super::{offset_page, WindowInput};
use crate::app::funding;
use crate::domain::bounds::Money;
use crate::graphql::connection::{Conn, Page};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::ids::decode_opt;
use crate::graphql::scalars::Pence;
use crate::graphql::types::overview::WindowInfo;
use crate::graphql::types::uncommissioned::UncommissionedRow;

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
        let rate = hourly_rate_of(ctx, hourly_rate)?;
        let area_id = decode_opt("areaId", "Area", area_id.as_ref())?;
        let rows: Vec<UncommissionedRow> =
            funding::uncommissioned(&ctx.app(), &period, area_id, rate)
                .await?
                .into_iter()
                .map(|w| UncommissionedRow {
                    organisation_id: w.organisation_id,
                    kind: w.kind,
                    period,
                    work: w.work,
                })
                .collect();
        Ok(offset_page(page, rows))
    }

    /// All uncommissioned work in the area (everywhere without one) and its
    /// value at the hourly rate, added exactly and rounded once.
    #[graphql(complexity = "cost::over(&period, cost::Scope::of_area(&area_id))")]
    async fn uncommissioned_work_total(
        &self,
        ctx: &Context<'_>,
        period: WindowInput,
        #[graphql(desc = "Organisations based in this ICB, local authority or ward.")]
        area_id: Option<ID>,
        #[graphql(desc = "Pence an hour; the configured default if left out.")] hourly_rate: Option<
            Pence,
        >,
    ) -> Result<UncommissionedTotal> {
        let period = period.parse()?;
        let rate = hourly_rate_of(ctx, hourly_rate)?;
        let area_id = decode_opt("areaId", "Area", area_id.as_ref())?;
        let work = funding::uncommissioned_total(&ctx.app(), &period, area_id, rate).await?;
        Ok(UncommissionedTotal {
            period: period.into(),
            hours: work.hours,
            value: Pence(work.value_pence),
            hourly_rate: Pence(work.rate_pence),
        })
    }
}

/// The rate asked for, checked, or the configured default.
fn hourly_rate_of(ctx: &Context<'_>, asked: Option<Pence>) -> Result<i64> {
    Ok(match asked {
        Some(p) => p.amount("hourlyRate", Money::HourlyRate)?,
        None => ctx.settings().default_hourly_rate_pence,
    })
}

/// Uncommissioned work in scope, all organisations and kinds together.
#[derive(SimpleObject)]
pub struct UncommissionedTotal {
    pub period: WindowInfo,
    /// Hours of work inside the period.
    pub hours: f64,
    /// Hours × the hourly rate, rounded once, half to even.
    pub value: Pence,
    /// The rate the value uses, in pence an hour.
    pub hourly_rate: Pence,
}
