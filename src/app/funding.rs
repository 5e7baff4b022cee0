//! Funding gaps and uncommissioned work over a period: the database's
//! per-group sums finished by `domain::metrics`' exact arithmetic, group by
//! group and in total. A total adds every group's exact amounts before the
//! one rounding, so it is not the sum of rounded rows.

use std::collections::HashMap;

use super::Context;
use crate::domain::metrics::contribution::Uncommissioned;
use crate::domain::metrics::funding::{sum_fractions, FundingGap};
use crate::domain::metrics::Window;
use crate::error::AppResult;
use crate::store::funding_gaps::{self as store, FundingQuery};
use crate::store::metrics::GroupBy;
use crate::store::uncommissioned;

/// One group's funding gap over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupGap {
    pub key: String,
    pub started: i64,
    pub tariff_pence: i64,
    pub gap: FundingGap,
}

/// Each group's gap, most under-funded first.
pub async fn funding_gaps(cx: &Context<'_>, q: &FundingQuery) -> AppResult<Vec<GroupGap>> {
    let (costs, terms) = store::funding_gaps(cx.store, q).await?;
    let mut terms_by_key: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for t in terms {
        terms_by_key
            .entry(t.key)
            .or_default()
            .push((t.numerator, t.days));
    }
    let mut rows: Vec<GroupGap> = costs
        .into_iter()
        .map(|c| {
            let prorated = sum_fractions(terms_by_key.remove(&c.key).unwrap_or_default());
            GroupGap {
                gap: FundingGap::of(c.cost_pence, &prorated, c.tariff_pence),
                key: c.key,
                started: c.started,
                tariff_pence: c.tariff_pence,
            }
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.gap.gap_pence));
    Ok(rows)
}

/// Everything in the area (everywhere without one) as one gap: grouped
/// by ICB, where every cost, tariff and award (an organisation's own
/// included) counts once.
pub async fn funding_total(
    cx: &Context<'_>,
    period: Window,
    area_id: Option<i64>,
) -> AppResult<GroupGap> {
    let q = FundingQuery {
        period,
        area_id,
        group_by: GroupBy::Icb,
    };
    let (costs, terms) = store::funding_gaps(cx.store, &q).await?;
    let prorated = sum_fractions(terms.iter().map(|t| (t.numerator, t.days)));
    let cost: i64 = costs.iter().map(|c| c.cost_pence).sum();
    let tariff_pence: i64 = costs.iter().map(|c| c.tariff_pence).sum();
    Ok(GroupGap {
        key: String::new(),
        started: costs.iter().map(|c| c.started).sum(),
        tariff_pence,
        gap: FundingGap::of(cost, &prorated, tariff_pence),
    })
}

/// One organisation's uncommissioned work of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationWork {
    pub organisation_id: i64,
    pub kind: String,
    pub work: Uncommissioned,
}

/// Uncommissioned work by organisation and kind at `rate_pence` an hour,
/// most valuable first.
pub async fn uncommissioned(
    cx: &Context<'_>,
    period: &Window,
    area_id: Option<i64>,
    rate_pence: i64,
) -> AppResult<Vec<OrganisationWork>> {
    let groups = uncommissioned::contribution_groups(cx.store, period, area_id).await?;
    let mut rows: Vec<OrganisationWork> = groups
        .into_iter()
        .map(|g| OrganisationWork {
            organisation_id: g.organisation_id,
            kind: g.kind,
            work: Uncommissioned::of(g.terms, rate_pence),
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.work.value_pence));
    Ok(rows)
}

/// All of it in the area (everywhere without one) at `rate_pence` an hour.
pub async fn uncommissioned_total(
    cx: &Context<'_>,
    period: &Window,
    area_id: Option<i64>,
    rate_pence: i64,
) -> AppResult<Uncommissioned> {
    let groups = uncommissioned::contribution_groups(cx.store, period, area_id).await?;
    Ok(Uncommissioned::of(
        groups.into_iter().flat_map(|g| g.terms),
        rate_pence,
    ))
}
