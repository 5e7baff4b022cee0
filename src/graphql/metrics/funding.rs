//! `fundingGaps`.

use std::collections::HashMap;

use async_graphql::{Context, Object, Result, ID};

use super::{offset_page, WindowInput};
use crate::domain::metrics::funding::{sum_fractions, FundingGap};
use crate::graphql::connection::{Conn, Page};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::enums::FundingGroupBy;
use crate::graphql::ids::decode_opt;
use crate::graphql::types::funding_gap::FundingGapRow;
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
