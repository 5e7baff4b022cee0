//! Funding gaps in the database: per group, the cost of the demand served,
//! tariffs earned, and the prorated awards as exact integer numerators over
//! each award length (the domain adds the fractions and rounds once).

use sea_orm::{FromQueryResult, Statement};

use super::metrics::GroupBy;
use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::metrics::Window;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone)]
pub struct FundingQuery {
    pub period: Window,
    /// Services and organisations in this ICB, local authority or ward.
    pub area_id: Option<i64>,
    /// Service, organisation, ward, local authority or ICB.
    pub group_by: GroupBy,
}

/// Per group: referrals started in the period, their cost at each
/// service's unit cost, and what per-referral tariffs paid for them.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct CostRow {
    pub key: String,
    pub started: i64,
    pub cost_pence: i64,
    pub tariff_pence: i64,
}

/// One term of a group's prorated funding: `numerator ÷ days` pence, where
/// `numerator` is Σ amount × days inside the period over awards of `days`
/// planned days.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ProratedTerm {
    pub key: String,
    pub days: i64,
    pub numerator: i64,
}

/// The two result sets: costs and tariffs, and prorated terms.
pub async fn funding_gaps(
    store: &Store,
    q: &FundingQuery,
) -> AppResult<(Vec<CostRow>, Vec<ProratedTerm>)> {
    let [costs, terms] = funding_statements(store, q)?;
    let costs = CostRow::find_by_statement(costs)
        .all(&*store.lane().await?)
        .await?;
    let terms = ProratedTerm::find_by_statement(terms)
        .all(&*store.lane().await?)
        .await?;
    Ok((costs, terms))
}

/// The two statements behind `funding_gaps`: costs and tariffs, then
/// prorated terms.
pub fn funding_statements(store: &Store, q: &FundingQuery) -> AppResult<[Statement; 2]> {
    let d = Dialect(store.backend());
    Ok([
        costs_sql(d, q)?.build(store.backend()),
        prorated_sql(d, q)?.build(store.backend()),
    ])
}

/// Where services and organisations sit, and the group keys of each.
fn places(sql: &mut Sql, q: &FundingQuery) -> AppResult<String> {
    let scope = match q.area_id {
        Some(area) => {
            let a = sql.param(area);
            format!("(g.ward_id = {a} OR g.la_id = {a} OR g.icb_id = {a})")
        }
        None => "1 = 1".to_owned(),
    };
    if !matches!(
        q.group_by,
        GroupBy::Service
            | GroupBy::Organisation
            | GroupBy::Ward
            | GroupBy::LocalAuthority
            | GroupBy::Icb
    ) {
        return Err(AppError::bad_input(
            "groupBy",
            "funding gaps group by service, organisation, ward, local authority or ICB",
        ));
    }
    Ok(format!(
        "sgeo AS (
            SELECT s.id AS service_id, s.organisation_id, s.unit_cost_pence,
                   COALESCE(l.ward_id, o.ward_id) AS ward_id, w.parent_id AS la_id, la.parent_id AS icb_id
            FROM service s JOIN organisation o ON o.id = s.organisation_id
            LEFT JOIN location l ON l.id = s.location_id
            LEFT JOIN area w ON w.id = COALESCE(l.ward_id, o.ward_id)
            LEFT JOIN area la ON la.id = w.parent_id
        ),
        sscope AS (SELECT * FROM sgeo g WHERE {scope}),
        ogeo AS (
            SELECT o.id AS organisation_id, o.ward_id, w.parent_id AS la_id, la.parent_id AS icb_id
            FROM organisation o
            LEFT JOIN area w ON w.id = o.ward_id
            LEFT JOIN area la ON la.id = w.parent_id
        )"
    ))
}

fn key(by: GroupBy, alias: &str) -> String {
    match by {
        GroupBy::Service => format!("CAST({alias}.service_id AS TEXT)"),
        GroupBy::Organisation => format!("CAST({alias}.organisation_id AS TEXT)"),
        GroupBy::Ward => format!("COALESCE(CAST({alias}.ward_id AS TEXT), '')"),
        GroupBy::LocalAuthority => format!("COALESCE(CAST({alias}.la_id AS TEXT), '')"),
        _ => format!("COALESCE(CAST({alias}.icb_id AS TEXT), '')"),
    }
}

/// Awards in scope with their planned period `[ps, pe)` and group key: a
/// service's award sits where the service does, any other where its
/// recipient does. Grouped by service, only awards tied to a service count.
fn awards_cte(d: Dialect, q: &FundingQuery, sql: &mut Sql) -> String {
    let area = match q.area_id {
        Some(area) => {
            let a = sql.param(area);
            format!(" AND (g.ward_id = {a} OR g.la_id = {a} OR g.icb_id = {a})")
        }
        None => String::new(),
    };
    let service_only = if q.group_by == GroupBy::Service {
        " AND a.service_id IS NOT NULL"
    } else {
        ""
    };
    let (start, end) = award_span(d, "a");
    format!(
        "aw AS (
            SELECT a.id, a.kind, a.amount_pence, a.tariff_pence, a.service_id, a.recipient_organisation_id,
                   {start} AS ps, {end} AS pe,
                   g.service_id AS g_service, g.organisation_id, g.ward_id, g.la_id, g.icb_id
            FROM funding_award a
            JOIN (
                SELECT a2.id AS award_id, sg.service_id, a2.recipient_organisation_id AS organisation_id,
                       COALESCE(sg.ward_id, og.ward_id) AS ward_id,
                       CASE WHEN sg.service_id IS NULL THEN og.la_id ELSE sg.la_id END AS la_id,
                       CASE WHEN sg.service_id IS NULL THEN og.icb_id ELSE sg.icb_id END AS icb_id
                FROM funding_award a2
                LEFT JOIN sgeo sg ON sg.service_id = a2.service_id
                JOIN ogeo og ON og.organisation_id = a2.recipient_organisation_id
            ) g ON g.award_id = a.id
            WHERE 1 = 1{area}{service_only}
        )",
    )
}

/// An award `a`'s planned period `[start, end)` as SQL, as
/// `domain::metrics::funding::award_period` defines it: planned start to
/// planned end inclusive, or 365 days from the award date (or planned
/// start) where no end is planned.
pub(super) fn award_span(d: Dialect, a: &str) -> (String, String) {
    let start = format!("COALESCE({a}.planned_start, {a}.award_date)");
    let end = format!(
        "CASE WHEN {a}.planned_end IS NOT NULL AND {a}.planned_end >= {start} THEN {} ELSE {} END",
        d.add_days(&format!("{a}.planned_end"), 1),
        d.add_days(&start, 365)
    );
    (start, end)
}

fn costs_sql(d: Dialect, q: &FundingQuery) -> AppResult<Sql> {
    let mut sql = Sql::default();
    let p0 = sql.param(q.period.from());
    let p1 = sql.param(q.period.to());
    let places = places(&mut sql, q)?;
    let awards = awards_cte(d, q, &mut sql);
    let cost_key = key(q.group_by, "g");
    let award_key = key(q.group_by, "aw").replace("aw.service_id", "aw.g_service");
    sql.push(&format!(
        "WITH {places},
        {awards},
        started AS (
            SELECT e.service_id, COUNT(*) AS n FROM referral_event e
            WHERE e.to_state = 'started' AND e.occurred_on >= {p0} AND e.occurred_on < {p1}
              AND e.service_id IN (SELECT service_id FROM sscope)
            GROUP BY e.service_id
        ),
        cost AS (
            SELECT {cost_key} AS gkey, SUM(st.n) AS started, SUM(st.n * COALESCE(g.unit_cost_pence, 0)) AS cost
            FROM started st JOIN sscope g ON g.service_id = st.service_id
            GROUP BY {cost_key}
        ),
        started_days AS (
            SELECT e.service_id, s.organisation_id, e.occurred_on FROM referral_event e
            JOIN service s ON s.id = e.service_id
            WHERE e.to_state = 'started' AND e.occurred_on >= {p0} AND e.occurred_on < {p1}
              AND s.organisation_id IN (
                  SELECT recipient_organisation_id FROM aw WHERE aw.kind = 'per_referral_tariff')
        ),
        tariff AS (
            SELECT {award_key} AS gkey, SUM(aw.tariff_pence) AS paid
            FROM aw JOIN started_days sd
              ON (sd.service_id = aw.service_id
                  OR (aw.service_id IS NULL AND sd.organisation_id = aw.recipient_organisation_id))
             AND sd.occurred_on >= aw.ps AND sd.occurred_on < aw.pe
            WHERE aw.kind = 'per_referral_tariff' AND aw.tariff_pence IS NOT NULL
            GROUP BY {award_key}
        ),
        awarded AS (SELECT DISTINCT {award_key} AS gkey FROM aw),
        keys AS (SELECT gkey FROM cost UNION SELECT gkey FROM tariff UNION SELECT gkey FROM awarded)
        SELECT k.gkey AS key,
               CAST(COALESCE(c.started, 0) AS BIGINT) AS started,
               CAST(COALESCE(c.cost, 0) AS BIGINT) AS cost_pence,
               CAST(COALESCE(t.paid, 0) AS BIGINT) AS tariff_pence
        FROM keys k LEFT JOIN cost c ON c.gkey = k.gkey LEFT JOIN tariff t ON t.gkey = k.gkey
        ORDER BY k.gkey"
    ));
    Ok(sql)
}

fn prorated_sql(d: Dialect, q: &FundingQuery) -> AppResult<Sql> {
    let mut sql = Sql::default();
    let p0 = sql.param(q.period.from());
    let p1 = sql.param(q.period.to());
    let places = places(&mut sql, q)?;
    let awards = awards_cte(d, q, &mut sql);
    let award_key = key(q.group_by, "aw").replace("aw.service_id", "aw.g_service");
    let days = d.days("aw.ps", "aw.pe");
    let inside = d.overlap(&["aw.ps"], &["aw.pe"], &p0, &p1);
    sql.push(&format!(
        "WITH {places},
        {awards}
        SELECT {award_key} AS key, {days} AS days,
               CAST(SUM(aw.amount_pence * {inside}) AS BIGINT) AS numerator
        FROM aw WHERE aw.kind <> 'per_referral_tariff'
        GROUP BY {award_key}, {days}
        ORDER BY 1, 2"
    ));
    Ok(sql)
}
