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
use crate::domain::metrics::overview::Sums;
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
    /// A ward's services for one need: `key` is `ward id:NEED CODE`.
    WardAndNeed,
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
    /// Only these services (a trend for one service; the candidates of a
    /// service search).
    pub services: Option<Vec<i64>>,
    /// "Now", for the status in force and its staleness.
    pub today: NaiveDate,
    /// A confirmation before this is stale.
    pub stale_before: DateTime<Utc>,
    /// Groups keyed by several parts at once (a researcher's dimensions)
    /// in place of `group_by`.
    pub keyed: Option<Keyed>,
    /// Which sums the caller reads; the others are not worked out.
    pub reads: Reads,
}

/// The sums an overview works out. The dashboards read them all; a
/// scenario's baseline needs no answers or waits; a question about
/// services needs the capacity and load alone. Sums not read come back
/// as zero, and the flows that feed none of the sums read are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reads {
    #[default]
    All,
    /// Capacity, load and the waiting list (its days and its length at
    /// the end of the window): no answers, declines or waits.
    LoadAndList,
    /// Capacity-days, caseload-days, demand and active-days only.
    Load,
}

/// Groups keyed by SQL expressions over a service's place `sc`
/// (`service_id`, `organisation_id`, `ward_id`, `la_id`, `icb_id`) and the
/// tables `joins` bring in; only services meeting every filter, a condition
/// whose `{values}` stands for its values' placeholders. Written by the
/// store modules that need it, from whitelisted parts only. `separator`
/// joins the parts of a key.
#[derive(Debug, Clone, Default)]
pub struct Keyed {
    pub parts: Vec<String>,
    pub joins: Vec<String>,
    pub filters: Vec<(String, Vec<String>)>,
    pub separator: String,
    /// Groups past this many (in window and key order) are not returned.
    pub limit: Option<u64>,
}

impl Keyed {
    /// The key as one SQL expression, its parts joined by the separator.
    pub fn key(&self, sql: &mut Sql) -> String {
        if self.parts.is_empty() {
            return "''".to_owned();
        }
        let separator = sql.param(self.separator.clone());
        self.parts
            .iter()
            .map(|p| format!("COALESCE({p}, '')"))
            .collect::<Vec<_>>()
            .join(&format!(" || {separator} || "))
    }

    /// The filters as SQL conditions (`AND`-ed by the caller).
    pub fn conditions(&self, sql: &mut Sql) -> Vec<String> {
        self.filters
            .iter()
            .map(|(condition, values)| {
                let values: Vec<String> = values.iter().map(|v| sql.param(v.clone())).collect();
                condition.replace("{values}", &values.join(", "))
            })
            .collect()
    }

    /// The `grp` step: each service in scope with its group's key.
    fn groups(&self, sql: &mut Sql) -> String {
        let key = self.key(sql);
        let conditions = self.conditions(sql);
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        format!(
            "SELECT sc.service_id, {key} AS gkey FROM scope sc {}{filter}",
            self.joins.join(" ")
        )
    }
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

impl OverviewRow {
    pub fn sums(&self) -> Sums {
        Sums {
            services: self.services,
            place_days: self.place_days,
            caseload_days: self.caseload_days,
            demand: self.demand,
            active_days: self.active_days,
            waiting_days: self.waiting_days,
            answered: self.answered,
            declined_capacity: self.declined_capacity,
            declined_capability: self.declined_capability,
        }
    }
}

/// The measures for every group in scope and every window, in window and
/// key order.
pub async fn overview(store: &Store, q: &OverviewQuery) -> AppResult<Vec<OverviewRow>> {
    Ok(OverviewRow::find_by_statement(overview_statement(store, q))
        .all(&*store.lane().await?)
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
        GroupBy::WardAndNeed => "COALESCE(CAST(sc.ward_id AS TEXT), '') || ':' || sn.need_code",
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
        geo_filter = " AND s.id IN (SELECT id FROM in_area)".to_owned();
    }
    if let Some(need) = &q.need {
        let n = sql.param(need.clone());
        scope_filter.push_str(&format!(
            " AND g.service_id IN (SELECT service_id FROM service_need WHERE need_code = {n})"
        ));
    }
    if let Some(services) = &q.services {
        let ids: Vec<String> = services.iter().map(|id| sql.param(*id)).collect();
        let ids = if ids.is_empty() {
            "NULL".to_owned()
        } else {
            ids.join(", ")
        };
        let filter = format!("s.id IN ({ids})");
        geo_filter.push_str(&format!(" AND {filter}"));
    }
    let gateway_filter = match q.gateway_id {
        Some(g) => {
            let g = sql.param(g);
            format!(" AND f.gateway_id = {g}")
        }
        None => String::new(),
    };
    let need_join = if matches!(q.group_by, GroupBy::Need | GroupBy::WardAndNeed) {
        "JOIN service_need sn ON sn.service_id = sc.service_id"
    } else {
        ""
    };
    let grp = match &q.keyed {
        Some(keyed) => keyed.groups(&mut sql),
        None => format!(
            "SELECT sc.service_id, {} AS gkey FROM scope sc {need_join}",
            group_key(q.group_by)
        ),
    };
    let limit = match q.keyed.as_ref().and_then(|k| k.limit) {
        Some(n) => format!(" LIMIT {}", sql.param(n as i64)),
        None => String::new(),
    };
    let in_week = |day: &str| format!("{day} >= wk.w0 AND {day} < wk.w1");
    let dem_in_week = in_week("f.demand_on");
    let answered_in_week = format!(
        "(({}) OR ({}) OR ({}))",
        in_week("f.waitlisted_on"),
        in_week("f.accepted_on"),
        in_week("f.declined_on")
    );
    let wait_days = d.days("f.wait_from_on", "f.started_on");
    let median_rank = percentile_rank_sql(Percentile::Median, "total");
    let p90_rank = percentile_rank_sql(Percentile::P90, "total");

    let next_from = |t: &str, a: &str| {
        format!(
            "(SELECT MIN(n.valid_from) FROM {t} n WHERE n.service_id = {a}.service_id
              AND (n.valid_from > {a}.valid_from OR (n.valid_from = {a}.valid_from AND n.id > {a}.id)))"
        )
    };
    let active = "f.started_on < wk.w1 AND (f.ended_on IS NULL OR f.ended_on > wk.w0)";
    let waiting =
        "f.waitlisted_on < wk.w1 AND (f.waitlist_end_on IS NULL OR f.waitlist_end_on > wk.w0)";
    // Only the sums read are worked out, over only the flows that feed
    // them: with the load alone, the flows that neither arrive nor sit on
    // a caseload in a window are skipped.
    let zero = |name: &str| format!("0 AS {name}");
    let ov_a = ov(&["f.started_on"], &["f.ended_on"]);
    let ov_w = ov(&["f.waitlisted_on"], &["f.waitlist_end_on"]);
    let mut flows_read = format!("{dem_in_week} OR ({active})");
    let mut flow_columns = vec![
        format!("SUM(CASE WHEN {dem_in_week} THEN 1 ELSE 0 END) AS demand"),
        format!("SUM(CASE WHEN {active} THEN {ov_a} ELSE 0 END) AS active_days"),
    ];
    if q.reads == Reads::Load {
        flow_columns.push(zero("waiting_days"));
        flow_columns.push(zero("at_end"));
    } else {
        flows_read.push_str(&format!(" OR ({waiting})"));
        flow_columns.push(format!(
            "SUM(CASE WHEN {waiting} THEN {ov_w} ELSE 0 END) AS waiting_days"
        ));
        flow_columns.push(
            "SUM(CASE WHEN f.waitlisted_on <= wk.lastday
                      AND (f.waitlist_end_on IS NULL OR f.waitlist_end_on > wk.lastday)
                     THEN 1 ELSE 0 END) AS at_end"
                .to_owned(),
        );
    }
    let answers_and_waits = if q.reads == Reads::All {
        flows_read.push_str(&format!(" OR {answered_in_week}"));
        let declined_in_week = in_week("f.declined_on");
        flow_columns.extend([
            format!("SUM(CASE WHEN {declined_in_week} AND f.decline_reason = 'capacity' THEN 1 ELSE 0 END) AS capacity"),
            format!("SUM(CASE WHEN {declined_in_week} AND f.decline_reason = 'capability' THEN 1 ELSE 0 END) AS capability"),
            format!("SUM(CASE WHEN f.episodes = 1 AND ({answered_in_week}) THEN 1 ELSE 0 END) AS answered"),
        ]);
        "
            UNION ALL
            SELECT i, gkey, 0, 0, 0, 0, 0, 0, 0, n, 0, 0, 0, NULL, NULL, 0, NULL, NULL FROM g_answered
            UNION ALL
            SELECT i, gkey, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n, median, p90, 0, NULL, NULL FROM g_wait"
    } else {
        flow_columns.extend(["capacity", "capability", "answered"].map(zero));
        ""
    };

    // `geo` starts from the services (SQLite keeps a CROSS JOIN's order;
    // PostgreSQL plans it as any join): started from the organisations,
    // SQLite probed every organisation's services for each id of a list.
    //
    // Every step starts from the groups' services and reaches the tables
    // through their service_id indexes; the steps meet only in the final
    // UNION ALL, never in a join between intermediate results (which
    // SQLite would run as a nested loop over both).
    sql.push(&format!(
        "WITH wk(i, w0, w1, lastday) AS (VALUES {buckets}),
        {in_area}
        geo AS (
            SELECT s.id AS service_id, s.organisation_id, COALESCE(l.ward_id, o.ward_id) AS ward_id,
                   w.parent_id AS la_id, la.parent_id AS icb_id
            FROM service s
            CROSS JOIN organisation o
            LEFT JOIN location l ON l.id = s.location_id
            LEFT JOIN area w ON w.id = COALESCE(l.ward_id, o.ward_id)
            LEFT JOIN area la ON la.id = w.parent_id
            WHERE o.id = s.organisation_id{geo_filter}
        ),
        scope AS (SELECT * FROM geo g WHERE 1 = 1{scope_filter}),
        grp AS MATERIALIZED ({grp}),
        now_status AS (
            SELECT g.gkey, ss.status, ss.confirmed_at,
                   ROW_NUMBER() OVER (PARTITION BY g.gkey, g.service_id ORDER BY ss.valid_from DESC, ss.id DESC) AS rn
            FROM grp g LEFT JOIN service_status ss ON ss.service_id = g.service_id AND ss.valid_from <= {today}
        ),
        g_status AS (
            SELECT gkey, COUNT(*) AS services,
                   SUM(CASE WHEN confirmed_at IS NULL OR confirmed_at < {stale} THEN 1 ELSE 0 END) AS stale,
                   MIN(confirmed_at) AS oldest, MAX(status) AS status
            FROM now_status WHERE rn = 1 GROUP BY gkey
        ),
        cap AS (
            SELECT g.gkey, cv.valid_from AS f,
                   LEAD(cv.valid_from) OVER (PARTITION BY g.gkey, cv.service_id ORDER BY cv.valid_from, cv.id) AS t,
                   COALESCE(cv.places_per_week, 0) AS p, COALESCE(cv.caseload_max, 0) AS k
            FROM grp g JOIN capacity_version cv ON cv.service_id = g.service_id
        ),
        g_capacity AS (
            SELECT wk.i, c.gkey, SUM(c.p * {ov_c}) AS pd, SUM(c.k * {ov_c}) AS kd
            FROM cap c CROSS JOIN wk GROUP BY wk.i, c.gkey
        ),
        -- Capacity is zero while a service is paused or closed: the
        -- capacity in force during those spells is taken off.
        closed AS MATERIALIZED (
            SELECT g.gkey, ss.service_id, ss.valid_from AS f, {next_status} AS t
            FROM grp g JOIN service_status ss ON ss.service_id = g.service_id
            WHERE ss.status IN ('paused', 'closed')
        ),
        g_closed AS (
            SELECT wk.i, x.gkey, SUM(c.p * {ov_cx}) AS pd, SUM(c.k * {ov_cx}) AS kd
            FROM closed x
            JOIN (SELECT cv.service_id, cv.valid_from AS f, {next_capacity} AS t,
                         COALESCE(cv.places_per_week, 0) AS p, COALESCE(cv.caseload_max, 0) AS k
                  FROM capacity_version cv) c ON c.service_id = x.service_id
            CROSS JOIN wk
            GROUP BY wk.i, x.gkey
        ),
        g_flow AS (
            SELECT wk.i, g.gkey, {flow_columns}
            FROM grp g JOIN referral_flow f ON f.service_id = g.service_id{gateway_filter}
            CROSS JOIN wk
            WHERE {flows_read}
            GROUP BY wk.i, g.gkey
        ),
        -- A referral answered by several services of a group counts once:
        -- only referrals with more than one episode need de-duplicating.
        answered_again AS (
            SELECT wk.i, g.gkey, f.referral_id
            FROM grp g JOIN referral_flow f ON f.service_id = g.service_id{gateway_filter}
            CROSS JOIN wk
            WHERE f.episodes > 1 AND {answered_in_week}
            GROUP BY wk.i, g.gkey, f.referral_id
        ),
        g_answered AS (SELECT i, gkey, COUNT(*) AS n FROM answered_again GROUP BY i, gkey),
        -- Nearest-rank percentiles from each group's histogram of waits:
        -- the value at rank r is the least wait whose running count reaches r.
        wait_hist AS (
            SELECT wk.i, g.gkey, {wait_days} AS w, COUNT(*) AS n
            FROM grp g JOIN referral_flow f ON f.service_id = g.service_id{gateway_filter}
            CROSS JOIN wk
            WHERE {started_in_week} AND f.wait_from_on IS NOT NULL
            GROUP BY wk.i, g.gkey, {wait_days}
        ),
        wait_cum AS (
            SELECT i, gkey, w,
                   SUM(n) OVER (PARTITION BY i, gkey ORDER BY w) AS reached,
                   CAST(SUM(n) OVER (PARTITION BY i, gkey) AS BIGINT) AS total
            FROM wait_hist
        ),
        g_wait AS (
            SELECT i, gkey, total AS n,
                   MIN(CASE WHEN reached >= {median_rank} THEN w END) AS median,
                   MIN(CASE WHEN reached >= {p90_rank} THEN w END) AS p90
            FROM wait_cum GROUP BY i, gkey, total
        ),
        parts (i, gkey, services, place_days, caseload_days, demand, active_days, waiting_days, at_end,
               answered, capacity, capability, waits, median, p90, stale, oldest, status) AS (
            SELECT wk.i, s.gkey, s.services, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                   CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), s.stale, s.oldest, s.status
            FROM g_status s CROSS JOIN wk
            UNION ALL
            SELECT i, gkey, 0, pd, kd, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, NULL, NULL FROM g_capacity
            UNION ALL
            SELECT i, gkey, 0, -pd, -kd, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, NULL, NULL FROM g_closed
            UNION ALL
            SELECT i, gkey, 0, 0, 0, demand, active_days, waiting_days, at_end, answered, capacity, capability, 0, NULL, NULL, 0, NULL, NULL
            FROM g_flow{answers_and_waits}
        )
        SELECT CAST(i AS BIGINT) AS bucket,
               gkey AS key,
               CAST(SUM(services) AS BIGINT) AS services,
               CAST(SUM(place_days) AS BIGINT) AS place_days,
               CAST(SUM(caseload_days) AS BIGINT) AS caseload_days,
               CAST(SUM(demand) AS BIGINT) AS demand,
               CAST(SUM(active_days) AS BIGINT) AS active_days,
               CAST(SUM(waiting_days) AS BIGINT) AS waiting_days,
               CAST(SUM(at_end) AS BIGINT) AS waiting_at_end,
               CAST(SUM(answered) AS BIGINT) AS answered,
               CAST(SUM(capacity) AS BIGINT) AS declined_capacity,
               CAST(SUM(capability) AS BIGINT) AS declined_capability,
               CAST(SUM(waits) AS BIGINT) AS waits,
               CAST(MAX(median) AS BIGINT) AS wait_median,
               CAST(MAX(p90) AS BIGINT) AS wait_p90,
               CAST(SUM(stale) AS BIGINT) AS stale_services,
               MIN(oldest) AS oldest_confirmation,
               MAX(status) AS status
        FROM parts
        GROUP BY i, gkey
        ORDER BY i, gkey{limit}",
        buckets = buckets.join(", "),
        next_status = next_from("service_status", "ss"),
        next_capacity = next_from("capacity_version", "cv"),
        ov_c = ov(&["c.f"], &["c.t"]),
        ov_cx = ov(&["c.f", "x.f"], &["c.t", "x.t"]),
        flow_columns = flow_columns.join(",\n                   "),
        started_in_week = in_week("f.started_on"),
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
        .one(&*store.lane().await?)
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
