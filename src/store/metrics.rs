//! The commissioner's measures, computed in the database: one statement
//! returns, per group, the integer sums that `domain::metrics` turns into
//! rates (capacity-days, demand, caseload-days, waiting-days, answers,
//! declines, nearest-rank waits, staleness). No referral row leaves the
//! database.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{FromQueryResult, Statement, Value};

use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::metrics::flow::Percentile;
use crate::domain::metrics::Window;
use crate::error::AppResult;

/// What the measures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    /// Everything in scope as one group.
    All,
    Service,
    Organisation,
    Ward,
    LocalAuthority,
    Icb,
    Pcn,
    Need,
}

#[derive(Debug, Clone)]
pub struct OverviewQuery {
    /// One window for an overview; consecutive weeks for a trend. Each
    /// row belongs to one of them (`OverviewRow::bucket`, its index).
    pub windows: Vec<Window>,
    /// Services in this area (an ICB, local authority or ward).
    pub area_id: Option<i64>,
    /// Services that address this need.
    pub need: Option<String>,
    /// Demand from this gateway only (capacity is unaffected).
    pub gateway_id: Option<i64>,
    pub group_by: GroupBy,
    /// Only this service (a trend for one service).
    pub service_id: Option<i64>,
    /// "Now", for the status in force and its staleness.
    pub today: NaiveDate,
    /// A confirmation before this is stale.
    pub stale_before: DateTime<Utc>,
}

/// One group's sums over the window. `key` is the group's id as text (the
/// need code for needs; empty for services with no known place).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct OverviewRow {
    /// Which of the query's windows.
    pub bucket: i64,
    pub key: String,
    pub services: i64,
    /// Σ over days of places per week in force (zero when paused/closed).
    pub place_days: i64,
    /// Σ over days of the caseload maximum in force.
    pub caseload_days: i64,
    /// Referrals whose first acceptance (or start) fell in the window.
    pub demand: i64,
    /// Σ over days of referrals on a caseload.
    pub active_days: i64,
    /// Σ over days of referrals on a waiting list.
    pub waiting_days: i64,
    /// Referrals on a waiting list on the window's last day.
    pub waiting_at_end: i64,
    /// Referrals answered (accepted, wait-listed or declined) in the window.
    pub answered: i64,
    pub declined_capacity: i64,
    pub declined_capability: i64,
    /// Referrals started in the window with a known wait.
    pub waits: i64,
    pub wait_median: Option<i64>,
    pub wait_p90: Option<i64>,
    /// Services whose status was never confirmed, or not since `stale_before`.
    pub stale_services: i64,
    pub oldest_confirmation: Option<DateTime<Utc>>,
    /// The status in force today (meaningful for a group of one service).
    pub status: Option<String>,
}

/// The measures for every group in scope and every window, in window and
/// key order.
pub async fn overview(store: &Store, q: &OverviewQuery) -> AppResult<Vec<OverviewRow>> {
    Ok(OverviewRow::find_by_statement(overview_statement(store, q))
        .all(store.db())
        .await?)
}

/// The one statement behind `overview`, for running or explaining it as is.
pub fn overview_statement(store: &Store, q: &OverviewQuery) -> Statement {
    overview_sql(Dialect(store.backend()), q).build(store.backend())
}

fn group_key(by: GroupBy) -> &'static str {
    match by {
        GroupBy::All => "''",
        GroupBy::Service => "CAST(sc.service_id AS TEXT)",
        GroupBy::Organisation => "CAST(sc.organisation_id AS TEXT)",
        GroupBy::Ward => "COALESCE(CAST(sc.ward_id AS TEXT), '')",
        GroupBy::LocalAuthority => "COALESCE(CAST(sc.la_id AS TEXT), '')",
        GroupBy::Icb => "COALESCE(CAST(sc.icb_id AS TEXT), '')",
        // A ward's PCN: the PCN of its GP practices (the lowest-numbered
        // where several serve it).
        GroupBy::Pcn => {
            "COALESCE(CAST((SELECT MIN(p.pcn_id) FROM gp_practice p WHERE p.ward_id = sc.ward_id) AS TEXT), '')"
        }
        GroupBy::Need => "sn.need_code",
    }
}

fn overview_sql(d: Dialect, q: &OverviewQuery) -> Sql {
    let mut sql = Sql::default();
    let mut buckets = Vec::with_capacity(q.windows.len());
    for (i, w) in q.windows.iter().enumerate() {
        let i = sql.param(i as i64);
        let (from, to, last) = (
            sql.param(w.from()),
            sql.param(w.to()),
            sql.param(w.last_day()),
        );
        buckets.push(format!("({i}, {from}, {to}, {last})"));
    }
    let today = sql.param(q.today);
    let stale = sql.param(Value::from(q.stale_before));
    let ov = |from: &[&str], to: &[&str]| d.overlap(from, to, "wk.w0", "wk.w1");

    let mut scope_filter = String::new();
    // With an area, reach its services through its wards and the indexed
    // location and organisation links, rather than placing every service.
    let mut in_area = String::new();
    let mut geo_filter = String::new();
    if let Some(area) = q.area_id {
        let a = sql.param(area);
        scope_filter.push_str(&format!(
            " AND (g.ward_id = {a} OR g.la_id = {a} OR g.icb_id = {a})"
        ));
        in_area = format!(
            "area_wards AS (
                SELECT w.id FROM area w LEFT JOIN area la ON la.id = w.parent_id
                WHERE w.kind = 'ward' AND (w.id = {a} OR w.parent_id = {a} OR la.parent_id = {a})
            ),
            in_area AS (
                SELECT s.id FROM service s
                WHERE s.location_id IN (SELECT l.id FROM location l WHERE l.ward_id IN (SELECT id FROM area_wards))
                UNION
                SELECT s.id FROM organisation o JOIN service s ON s.organisation_id = o.id
                WHERE s.location_id IS NULL AND o.ward_id IN (SELECT id FROM area_wards)
            ),"
        );
        geo_filter = " WHERE s.id IN (SELECT id FROM in_area)".to_owned();
    }
    if let Some(need) = &q.need {
        let n = sql.param(need.clone());
        scope_filter.push_str(&format!(
            " AND g.service_id IN (SELECT service_id FROM service_need WHERE need_code = {n})"
        ));
    }
    if let Some(service) = q.service_id {
        let s = sql.param(service);
        scope_filter.push_str(&format!(" AND g.service_id = {s}"));
    }
    let gateway_filter = match q.gateway_id {
        Some(g) => {
            let g = sql.param(g);
            format!(" AND f.gateway_id = {g}")
        }
        None => String::new(),
    };
    let need_join = if q.group_by == GroupBy::Need {
        "JOIN service_need sn ON sn.service_id = sc.service_id"
    } else {
        ""
    };
    let key = group_key(q.group_by);
    let in_week = |day: &str| format!("{day} >= wk.w0 AND {day} < wk.w1");
    let wait_days = d.days("fl.wait_from_on", "fl.started_on");
    let median_rank = percentile_rank_sql(Percentile::Median, "n");
    let p90_rank = percentile_rank_sql(Percentile::P90, "n");

    sql.push(&format!(
        "WITH wk(i, w0, w1, lastday) AS (VALUES {buckets}),
        {in_area}
        geo AS (
            SELECT s.id AS service_id, s.organisation_id, COALESCE(l.ward_id, o.ward_id) AS ward_id,
                   w.parent_id AS la_id, la.parent_id AS icb_id
            FROM service s
            JOIN organisation o ON o.id = s.organisation_id
            LEFT JOIN location l ON l.id = s.location_id
            LEFT JOIN area w ON w.id = COALESCE(l.ward_id, o.ward_id)
            LEFT JOIN area la ON la.id = w.parent_id{geo_filter}
        ),
        scope AS (SELECT * FROM geo g WHERE 1 = 1{scope_filter}),
        grp AS (SELECT sc.service_id, {key} AS gkey FROM scope sc {need_join}),
        cap AS (
            SELECT cv.service_id, cv.valid_from AS f,
                   LEAD(cv.valid_from) OVER (PARTITION BY cv.service_id ORDER BY cv.valid_from, cv.id) AS t,
                   COALESCE(cv.places_per_week, 0) AS p, COALESCE(cv.caseload_max, 0) AS k
            FROM capacity_version cv WHERE cv.service_id IN (SELECT service_id FROM scope)
        ),
        -- Materialized: otherwise SQLite re-runs this window for every
        -- capacity version it is joined to.
        stat AS (
            SELECT ss.service_id, ss.status, ss.valid_from AS f,
                   LEAD(ss.valid_from) OVER (PARTITION BY ss.service_id ORDER BY ss.valid_from, ss.id) AS t
            FROM service_status ss WHERE ss.service_id IN (SELECT service_id FROM scope)
        ),
        svc_cap AS (
            SELECT wk.i, c.service_id, SUM(c.p * {ov_c}) AS pd, SUM(c.k * {ov_c}) AS kd
            FROM cap c CROSS JOIN wk GROUP BY wk.i, c.service_id
        ),
        closed AS MATERIALIZED (SELECT service_id, f, t FROM stat WHERE status IN ('paused', 'closed')),
        svc_closed AS (
            SELECT wk.i, c.service_id, SUM(c.p * {ov_cx}) AS pd, SUM(c.k * {ov_cx}) AS kd
            FROM closed x JOIN cap c ON c.service_id = x.service_id
            CROSS JOIN wk
            GROUP BY wk.i, c.service_id
        ),
        now_status AS (
            SELECT service_id, status, confirmed_at FROM (
                SELECT ss.service_id, ss.status, ss.confirmed_at,
                       ROW_NUMBER() OVER (PARTITION BY ss.service_id ORDER BY ss.valid_from DESC, ss.id DESC) AS rn
                FROM service_status ss
                WHERE ss.service_id IN (SELECT service_id FROM scope) AND ss.valid_from <= {today}
            ) r WHERE rn = 1
        ),
        fl AS (
            SELECT f.referral_id, f.service_id, f.demand_on, f.waitlisted_on, f.waitlist_end_on,
                   f.accepted_on, f.declined_on, f.decline_reason, f.started_on, f.ended_on,
                   f.wait_from_on
            FROM referral_flow f
            WHERE f.service_id IN (SELECT service_id FROM scope){gateway_filter}
        ),
        g_cap AS (
            SELECT wk.i, g.gkey, COUNT(*) AS services,
                   SUM(COALESCE(c.pd, 0) - COALESCE(x.pd, 0)) AS place_days,
                   SUM(COALESCE(c.kd, 0) - COALESCE(x.kd, 0)) AS caseload_days,
                   SUM(CASE WHEN ns.confirmed_at IS NULL OR ns.confirmed_at < {stale} THEN 1 ELSE 0 END) AS stale_services,
                   MIN(ns.confirmed_at) AS oldest_confirmation,
                   MAX(ns.status) AS status
            FROM grp g
            CROSS JOIN wk
            LEFT JOIN svc_cap c ON c.service_id = g.service_id AND c.i = wk.i
            LEFT JOIN svc_closed x ON x.service_id = g.service_id AND x.i = wk.i
            LEFT JOIN now_status ns ON ns.service_id = g.service_id
            GROUP BY wk.i, g.gkey
        ),
        s_dem AS (
            SELECT wk.i, fl.service_id, COUNT(*) AS n
            FROM fl JOIN wk ON {dem_in_week} GROUP BY wk.i, fl.service_id
        ),
        g_dem AS (SELECT d.i, g.gkey, SUM(d.n) AS n FROM s_dem d JOIN grp g ON g.service_id = d.service_id GROUP BY d.i, g.gkey),
        s_act AS (
            SELECT wk.i, fl.service_id, SUM({ov_a}) AS n
            FROM fl JOIN wk ON fl.started_on < wk.w1 AND (fl.ended_on IS NULL OR fl.ended_on > wk.w0)
            GROUP BY wk.i, fl.service_id
        ),
        g_act AS (SELECT a.i, g.gkey, SUM(a.n) AS n FROM s_act a JOIN grp g ON g.service_id = a.service_id GROUP BY a.i, g.gkey),
        s_wl AS (
            SELECT wk.i, fl.service_id, SUM({ov_w}) AS n,
                   SUM(CASE WHEN fl.waitlisted_on <= wk.lastday
                             AND (fl.waitlist_end_on IS NULL OR fl.waitlist_end_on > wk.lastday)
                            THEN 1 ELSE 0 END) AS at_end
            FROM fl JOIN wk ON fl.waitlisted_on < wk.w1 AND (fl.waitlist_end_on IS NULL OR fl.waitlist_end_on > wk.w0)
            GROUP BY wk.i, fl.service_id
        ),
        g_wl AS (
            SELECT w.i, g.gkey, SUM(w.n) AS n, SUM(w.at_end) AS at_end
            FROM s_wl w JOIN grp g ON g.service_id = w.service_id GROUP BY w.i, g.gkey
        ),
        g_ans AS (
            SELECT wk.i, g.gkey, COUNT(DISTINCT fl.referral_id) AS n,
                   SUM(CASE WHEN {declined_in_week} AND fl.decline_reason = 'capacity' THEN 1 ELSE 0 END) AS capacity,
                   SUM(CASE WHEN {declined_in_week} AND fl.decline_reason = 'capability' THEN 1 ELSE 0 END) AS capability
            FROM fl JOIN wk ON ({waitlisted_in_week}) OR ({accepted_in_week}) OR ({declined_in_week})
            JOIN grp g ON g.service_id = fl.service_id
            GROUP BY wk.i, g.gkey
        ),
        g_wait AS (
            SELECT i, gkey, n,
                   MAX(CASE WHEN rn = {median_rank} THEN w END) AS median,
                   MAX(CASE WHEN rn = {p90_rank} THEN w END) AS p90
            FROM (
                SELECT wk.i, g.gkey, wt.w,
                       ROW_NUMBER() OVER (PARTITION BY wk.i, g.gkey ORDER BY wt.w) AS rn,
                       COUNT(*) OVER (PARTITION BY wk.i, g.gkey) AS n
                FROM (SELECT fl.service_id, fl.started_on, {wait_days} AS w FROM fl
                      WHERE fl.started_on IS NOT NULL AND fl.wait_from_on IS NOT NULL) wt
                JOIN wk ON {wait_in_week} JOIN grp g ON g.service_id = wt.service_id
            ) r GROUP BY i, gkey, n
        )
        SELECT CAST(gc.i AS BIGINT) AS bucket,
               gc.gkey AS key,
               CAST(gc.services AS BIGINT) AS services,
               CAST(COALESCE(gc.place_days, 0) AS BIGINT) AS place_days,
               CAST(COALESCE(gc.caseload_days, 0) AS BIGINT) AS caseload_days,
               CAST(COALESCE(gd.n, 0) AS BIGINT) AS demand,
               CAST(COALESCE(ga.n, 0) AS BIGINT) AS active_days,
               CAST(COALESCE(gw.n, 0) AS BIGINT) AS waiting_days,
               CAST(COALESCE(gw.at_end, 0) AS BIGINT) AS waiting_at_end,
               CAST(COALESCE(gn.n, 0) AS BIGINT) AS answered,
               CAST(COALESCE(gn.capacity, 0) AS BIGINT) AS declined_capacity,
               CAST(COALESCE(gn.capability, 0) AS BIGINT) AS declined_capability,
               CAST(COALESCE(gt.n, 0) AS BIGINT) AS waits,
               CAST(gt.median AS BIGINT) AS wait_median,
               CAST(gt.p90 AS BIGINT) AS wait_p90,
               CAST(COALESCE(gc.stale_services, 0) AS BIGINT) AS stale_services,
               gc.oldest_confirmation,
               gc.status
        FROM g_cap gc
        LEFT JOIN g_dem gd ON gd.i = gc.i AND gd.gkey = gc.gkey
        LEFT JOIN g_act ga ON ga.i = gc.i AND ga.gkey = gc.gkey
        LEFT JOIN g_wl gw ON gw.i = gc.i AND gw.gkey = gc.gkey
        LEFT JOIN g_ans gn ON gn.i = gc.i AND gn.gkey = gc.gkey
        LEFT JOIN g_wait gt ON gt.i = gc.i AND gt.gkey = gc.gkey
        ORDER BY gc.i, gc.gkey",
        buckets = buckets.join(", "),
        ov_c = ov(&["c.f"], &["c.t"]),
        ov_cx = ov(&["c.f", "x.f"], &["c.t", "x.t"]),
        ov_a = ov(&["fl.started_on"], &["fl.ended_on"]),
        ov_w = ov(&["fl.waitlisted_on"], &["fl.waitlist_end_on"]),
        dem_in_week = in_week("fl.demand_on"),
        waitlisted_in_week = in_week("fl.waitlisted_on"),
        accepted_in_week = in_week("fl.accepted_on"),
        declined_in_week = in_week("fl.declined_on"),
        wait_in_week = in_week("wt.started_on"),
    ));
    sql
}

/// `ceil(p × n)` as SQL over an integer column, the same arithmetic as
/// `Percentile::rank`.
fn percentile_rank_sql(p: Percentile, n: &str) -> String {
    match p {
        Percentile::Median => format!("(({n} + 1) / 2)"),
        Percentile::P90 => format!("((9 * {n} + 9) / 10)"),
    }
}

/// The last day with a referral event: "today" for seeded data.
pub async fn data_as_of(store: &Store) -> AppResult<Option<NaiveDate>> {
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    Ok(super::entity::referral_event::Entity::find()
        .select_only()
        .column(super::entity::referral_event::Column::OccurredOn)
        .order_by_desc(super::entity::referral_event::Column::OccurredOn)
        .limit(1)
        .into_tuple::<NaiveDate>()
        .one(store.db())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_ranks_in_sql_match_the_domain() {
        assert_eq!(
            percentile_rank_sql(Percentile::Median, "n"),
            "((n + 1) / 2)"
        );
        assert_eq!(Percentile::Median.rank(5), (5 + 1) / 2);
        assert_eq!(Percentile::P90.rank(11), (9 * 11 + 9) / 10);
    }
}
