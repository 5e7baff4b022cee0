//! Uncommissioned work in the database: per organisation and kind, the
//! minutes recorded prorated into a window, as integer terms
//! `Σ minutes × days inside` per contribution length.

use sea_orm::{FromQueryResult, Statement};

use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::metrics::Window;
use crate::error::AppResult;

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ContributionTerm {
    pub organisation_id: i64,
    pub kind: String,
    /// Days of the contributions' periods (inclusive of both ends).
    pub days: i64,
    /// Σ minutes × days of the period inside the window.
    pub numerator: i64,
}

/// One organisation's work of one kind: its `(numerator, days)` terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionGroup {
    pub organisation_id: i64,
    pub kind: String,
    pub terms: Vec<(i64, i64)>,
}

/// Every organisation (in `area_id`, by its ward) and kind with work inside
/// the window, with its terms.
pub async fn contribution_groups(
    store: &Store,
    window: &Window,
    area_id: Option<i64>,
) -> AppResult<Vec<ContributionGroup>> {
    let mut out: Vec<ContributionGroup> = Vec::new();
    for t in contribution_terms(store, window, area_id).await? {
        match out.last_mut() {
            Some(g) if g.organisation_id == t.organisation_id && g.kind == t.kind => {
                g.terms.push((t.numerator, t.days));
            }
            _ => out.push(ContributionGroup {
                organisation_id: t.organisation_id,
                kind: t.kind,
                terms: vec![(t.numerator, t.days)],
            }),
        }
    }
    Ok(out)
}

async fn contribution_terms(
    store: &Store,
    window: &Window,
    area_id: Option<i64>,
) -> AppResult<Vec<ContributionTerm>> {
    Ok(
        ContributionTerm::find_by_statement(contribution_statement(store, window, area_id))
            .all(&*store.lane().await?)
            .await?,
    )
}

/// The statement behind `contribution_groups`.
pub fn contribution_statement(store: &Store, window: &Window, area_id: Option<i64>) -> Statement {
    let d = Dialect(store.backend());
    let mut sql = Sql::default();
    let w0 = sql.param(window.from());
    let w1 = sql.param(window.to());
    let area = match area_id {
        Some(a) => {
            let a = sql.param(a);
            format!(" AND (w.id = {a} OR la.id = {a} OR la.parent_id = {a})")
        }
        None => String::new(),
    };
    let end = d.add_days("c.period_end", 1);
    let days = d.days("c.period_start", &end);
    let inside = d.overlap(&["c.period_start"], &[&end], &w0, &w1);
    sql.push(&format!(
        "SELECT c.organisation_id, c.kind, {days} AS days,
                CAST(SUM(c.minutes * {inside}) AS BIGINT) AS numerator
         FROM contribution c
         JOIN organisation o ON o.id = c.organisation_id
         LEFT JOIN area w ON w.id = o.ward_id
         LEFT JOIN area la ON la.id = w.parent_id
         WHERE c.period_start < {w1} AND c.period_end >= {w0}{area}
         GROUP BY c.organisation_id, c.kind, {days}
         ORDER BY c.organisation_id, c.kind, 3"
    ));
    sql.build(store.backend())
}
