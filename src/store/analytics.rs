//! Researchers' questions as one grouped statement. The statement is built
//! from the whitelisted codes of `domain::analytics` only; the values a
//! caller sends (the window, filter values) are bound parameters. Every
//! figure counted is an event of the referral lifecycle in the window (a
//! referral received, first accepted, wait-listed, declined, started,
//! ended), read from the same tables and with the same definitions as the
//! dashboards' measures; each referral counts once per cell.

use sea_orm::{ConnectionTrait, QueryResult};

use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::analytics::{periods, Dimension, Measure, Question};
use crate::domain::disclosure::Rule;
use crate::domain::metrics::flow::Percentile;
use crate::error::AppResult;

/// One cell's coordinate in a dimension: its key (a code, an ONS or ODS
/// code, a day), a name for people, and the parent it sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub value: String,
    pub name: String,
    pub within: Option<String>,
}

/// One cell of an answer, before disclosure control: the true counts (in
/// the question's measure order; None for the statistics) and the waits.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub keys: Vec<Key>,
    pub counts: Vec<Option<i64>>,
    pub waits: i64,
    pub wait_median: Option<i64>,
    pub wait_p90: Option<i64>,
}

/// The parts of the statement that depend on one dimension: the key, its
/// name and its parent as SQL over the joined facts `x`.
struct DimensionSql {
    key: &'static str,
    name: &'static str,
    within: &'static str,
}

fn dimension_sql(d: Dimension) -> DimensionSql {
    let plain = |key| DimensionSql {
        key,
        name: key,
        within: "CAST(NULL AS TEXT)",
    };
    match d {
        Dimension::Week | Dimension::Month | Dimension::Quarter => DimensionSql {
            key: "per.label",
            name: "per.label",
            within: "per.within",
        },
        Dimension::Icb => DimensionSql {
            key: "COALESCE(icb.code, '')",
            name: "COALESCE(icb.name, '')",
            within: "CAST(NULL AS TEXT)",
        },
        Dimension::LocalAuthority => DimensionSql {
            key: "COALESCE(la.code, '')",
            name: "COALESCE(la.name, '')",
            within: "icb.code",
        },
        Dimension::Ward => DimensionSql {
            key: "w.code",
            name: "w.name",
            within: "la.code",
        },
        Dimension::Pcn => DimensionSql {
            key: "COALESCE(wp.code, '')",
            name: "COALESCE(wp.name, '')",
            within: "CAST(NULL AS TEXT)",
        },
        Dimension::GatewayKind => plain("g.kind"),
        Dimension::Need => DimensionSql {
            key: "rn.need_code",
            name: "COALESCE(nd.label, rn.need_code)",
            within: "CAST(NULL AS TEXT)",
        },
        Dimension::AgeBand => plain("r.age_band"),
        Dimension::PreferredLanguage => plain("COALESCE(r.preferred_language, 'en')"),
        Dimension::MissingCapability => plain("COALESCE(x.cap, '')"),
        Dimension::OrganisationKind => plain("COALESCE(o.kind, '')"),
        Dimension::Service => DimensionSql {
            key: "COALESCE(CAST(x.service_id AS TEXT), '')",
            name: "COALESCE(s.name, '')",
            within: "CAST(NULL AS TEXT)",
        },
    }
}

/// The facts one measure reads: `(referral, service, gateway, day,
/// measure, wait in days, missing capability)` rows in the window.
fn facts(m: Measure, d: Dialect, from: &str, to: &str) -> Option<String> {
    let event = |state: &str, extra: &str, cap: &str| {
        format!(
            "SELECT e.referral_id, e.service_id, r0.gateway_id, e.occurred_on AS day, '{}' AS measure,
                    CAST(NULL AS BIGINT) AS wait, {cap} AS cap
             FROM referral_event e JOIN referral r0 ON r0.id = e.referral_id
             WHERE e.to_state = '{state}'{extra} AND e.occurred_on >= {from} AND e.occurred_on < {to}",
            m.as_str()
        )
    };
    let flow = |column: &str, wait: &str| {
        format!(
            "SELECT f.referral_id, f.service_id, f.gateway_id, f.{column} AS day, '{}' AS measure,
                    {wait} AS wait, CAST(NULL AS TEXT) AS cap
             FROM referral_flow f WHERE f.{column} >= {from} AND f.{column} < {to}",
            m.as_str()
        )
    };
    let no_cap = "CAST(NULL AS TEXT)";
    Some(match m {
        Measure::Referrals => event("received", "", no_cap),
        // The dashboards' demand: first accepted, or started with no
        // acceptance before (`referral_flow.demand_on`).
        Measure::Accepted => flow("demand_on", "CAST(NULL AS BIGINT)"),
        Measure::WaitListed => flow("waitlisted_on", "CAST(NULL AS BIGINT)"),
        Measure::DeclinedForCapacity => event("declined", " AND e.reason = 'capacity'", no_cap),
        Measure::DeclinedForCapability => event(
            "declined",
            " AND e.reason = 'capability'",
            "CASE WHEN e.capability_kind IS NULL THEN NULL ELSE e.capability_kind || ':' || e.capability_code END",
        ),
        Measure::Started => flow(
            "started_on",
            &format!(
                "CASE WHEN f.wait_from_on IS NULL THEN NULL ELSE {} END",
                d.days("f.wait_from_on", "f.started_on")
            ),
        ),
        Measure::Completed => event("completed", "", no_cap),
        Measure::DidNotAttend => event("did_not_attend", "", no_cap),
        Measure::Withdrawn => event("withdrawn", "", no_cap),
        // The statistics read the started facts; the service measures
        // are not asked of referrals (`analytics_services`).
        Measure::WaitMedian
        | Measure::WaitP90
        | Measure::CapacityPlaces
        | Measure::Utilisation
        | Measure::ContributionHours
        | Measure::Funding => return None,
    })
}

/// The one statement behind `answer`, returning at most `limit` cells.
fn statement(store: &Store, q: &Question, limit: u64) -> sea_orm::Statement {
    let d = Dialect(store.backend());
    let mut sql = Sql::default();
    let from = sql.param(q.window.from());
    let to = sql.param(q.window.to());
    // The counts read facts of their own; the wait statistics read the
    // started facts.
    let (mut read, statistics): (Vec<Measure>, Vec<Measure>) = q
        .measures
        .iter()
        .partition(|m| m.info().rule != Rule::StatisticOfPeople);
    if !statistics.is_empty() && !read.contains(&Measure::Started) {
        read.push(Measure::Started);
    }
    let facts_sql: Vec<String> = read
        .iter()
        .filter_map(|m| facts(*m, d, &from, &to))
        .collect();

    let mut ctes = Vec::new();
    if let Some(time) = q.dimensions.iter().find(|d| d.is_time()) {
        // One row a day, naming its period: the facts meet it on equal
        // days (a hash join), not by a range test against each period.
        let mut rows = Vec::new();
        for p in periods(*time, &q.window) {
            let label = sql.param(p.label);
            let within = match p.within {
                Some(w) => sql.param(w),
                None => "CAST(NULL AS TEXT)".to_owned(),
            };
            for day in p.from.iter_days().take_while(|day| *day < p.to) {
                rows.push(format!("({}, {label}, {within})", sql.param(day)));
            }
        }
        ctes.push(format!(
            "per(day, label, within) AS (VALUES {})",
            rows.join(", ")
        ));
    }
    ctes.push(format!(
        "facts(referral_id, service_id, gateway_id, day, measure, wait, cap) AS ({})",
        facts_sql.join(" UNION ALL ")
    ));

    let uses = |dim: Dimension| {
        q.dimensions.contains(&dim) || q.filters.iter().any(|f| f.dimension == dim)
    };
    let any = |dims: &[Dimension]| dims.iter().any(|d| uses(*d));
    use Dimension::{
        AgeBand, GatewayKind, Icb, LocalAuthority, OrganisationKind, Pcn, PreferredLanguage,
        Service, Ward,
    };
    // Only the tables some dimension or filter reads are joined.
    let mut joins = Vec::new();
    let places = [Ward, LocalAuthority, Icb];
    if any(&[Ward, LocalAuthority, Icb, Pcn, AgeBand, PreferredLanguage]) {
        joins.push("JOIN referral r ON r.id = x.referral_id".to_owned());
    }
    if any(&places) {
        joins.push("JOIN area w ON w.id = r.residence_ward_id".to_owned());
    }
    // A ward names its authority, an authority its ICB (the lines
    // secondary suppression protects).
    if any(&places) {
        joins.push("LEFT JOIN area la ON la.id = w.parent_id".to_owned());
    }
    if any(&[LocalAuthority, Icb]) {
        joins.push("LEFT JOIN area icb ON icb.id = la.parent_id".to_owned());
    }
    if uses(GatewayKind) {
        joins.push("JOIN gateway g ON g.id = x.gateway_id".to_owned());
    }
    if any(&[Service, OrganisationKind]) {
        joins.push("LEFT JOIN service s ON s.id = x.service_id".to_owned());
    }
    if uses(OrganisationKind) {
        joins.push("LEFT JOIN organisation o ON o.id = s.organisation_id".to_owned());
    }
    if uses(Dimension::Need) {
        joins.push("JOIN referral_need rn ON rn.referral_id = x.referral_id".to_owned());
        joins.push("LEFT JOIN need nd ON nd.code = rn.need_code".to_owned());
    }
    if uses(Dimension::Pcn) {
        // A ward's PCN: the PCN of its GP practices (the lowest-numbered
        // where several serve it), as on the dashboards.
        joins.push(
            "LEFT JOIN pcn wp ON wp.id = (SELECT MIN(gp.pcn_id) FROM gp_practice gp WHERE gp.ward_id = r.residence_ward_id)"
                .to_owned(),
        );
    }
    if q.dimensions.iter().any(|d| d.is_time()) {
        joins.push("JOIN per ON per.day = x.day".to_owned());
    }

    let mut conditions = Vec::new();
    for f in &q.filters {
        let key = dimension_sql(f.dimension).key;
        let values: Vec<String> = f.values.iter().map(|v| sql.param(v.clone())).collect();
        conditions.push(format!("{key} IN ({})", values.join(", ")));
    }
    let mut columns = Vec::new();
    // Cells are grouped by their keys alone; a key's name and parent
    // ride along (one per key), which keeps the sorts narrow.
    let mut group = Vec::new();
    let mut carried: Vec<String> = Vec::new();
    for (i, dim) in q.dimensions.iter().enumerate() {
        let s = dimension_sql(*dim);
        columns.push(format!(
            "{} AS d{i}, {} AS n{i}, {} AS p{i}",
            s.key, s.name, s.within
        ));
        group.push(format!("d{i}"));
        carried.extend([format!("n{i}"), format!("p{i}")]);
    }
    if q.dimensions.is_empty() {
        columns.push("'' AS d0".to_owned());
        group.push("d0".to_owned());
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    ctes.push(format!(
        "j AS MATERIALIZED (SELECT x.referral_id, x.measure, x.wait, {} FROM facts x {}{where_clause})",
        columns.join(", "),
        joins.join(" ")
    ));
    let keys = group.join(", ");
    let most =
        |cols: &[String]| -> String { cols.iter().map(|c| format!(", MAX({c}) AS {c}")).collect() };
    let carried_max = most(&carried);
    let carried_cols: String = carried.iter().map(|c| format!(", {c}")).collect();
    let carried_nulls: String = carried
        .iter()
        .map(|c| format!(", CAST(NULL AS TEXT) AS {c}"))
        .collect();
    let counts: Vec<String> = read
        .iter()
        .map(|m| {
            format!(
                "COUNT(DISTINCT CASE WHEN measure = '{0}' THEN referral_id END) AS m_{0}",
                m.as_str()
            )
        })
        .collect();
    let zeros: Vec<String> = read
        .iter()
        .map(|m| format!("0 AS m_{}", m.as_str()))
        .collect();
    let sums: Vec<String> = read
        .iter()
        .map(|m| format!("CAST(SUM(m_{0}) AS BIGINT) AS m_{0}", m.as_str()))
        .collect();
    ctes.push(format!(
        "c AS (SELECT {keys}{carried_max}, {} FROM j GROUP BY {keys})",
        counts.join(", ")
    ));
    // Nearest-rank waits from each cell's histogram, as the overview's.
    ctes.push(format!(
        "wh AS (SELECT {keys}, wait AS w, COUNT(*) AS n FROM j WHERE measure = 'started' AND wait IS NOT NULL GROUP BY {keys}, wait),
         wc AS (SELECT {keys}, w, SUM(n) OVER (PARTITION BY {keys} ORDER BY w) AS reached,
                       CAST(SUM(n) OVER (PARTITION BY {keys}) AS BIGINT) AS total FROM wh),
         gw AS (SELECT {keys}, total,
                       MIN(CASE WHEN reached >= {median} THEN w END) AS median,
                       MIN(CASE WHEN reached >= {p90} THEN w END) AS p90
                FROM wc GROUP BY {keys}, total)",
        median = rank_sql(Percentile::Median),
        p90 = rank_sql(Percentile::P90),
    ));
    let limit = sql.param(limit as i64);
    sql.push(&format!(
        "WITH {ctes}
         SELECT {keys}{carried_max}, {sums}, CAST(SUM(waits) AS BIGINT) AS waits,
                CAST(MAX(median) AS BIGINT) AS median, CAST(MAX(p90) AS BIGINT) AS p90
         FROM (SELECT {keys}{carried_cols}, {cols}, 0 AS waits, CAST(NULL AS BIGINT) AS median, CAST(NULL AS BIGINT) AS p90 FROM c
               UNION ALL
               SELECT {keys}{carried_nulls}, {zeros}, total, median, p90 FROM gw) parts
         GROUP BY {keys}
         ORDER BY {keys}
         LIMIT {limit}",
        ctes = ctes.join(",\n"),
        sums = sums.join(", "),
        cols = read
            .iter()
            .map(|m| format!("m_{}", m.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        zeros = zeros.join(", "),
    ));
    sql.build(store.backend())
}

/// `ceil(p × total)`, the nearest rank, as SQL.
fn rank_sql(p: Percentile) -> &'static str {
    match p {
        Percentile::Median => "((total + 1) / 2)",
        Percentile::P90 => "((9 * total + 9) / 10)",
    }
}

/// The cells of the answer to `q`, in key order, at most `limit` of them.
pub async fn answer(store: &Store, q: &Question, limit: u64) -> AppResult<Vec<Cell>> {
    let rows = store
        .lane()
        .await?
        .query_all(statement(store, q, limit))
        .await?;
    rows.iter().map(|row| cell(row, q)).collect()
}

fn cell(row: &QueryResult, q: &Question) -> AppResult<Cell> {
    let text =
        |col: &str| -> AppResult<Option<String>> { Ok(row.try_get::<Option<String>>("", col)?) };
    let mut keys = Vec::new();
    for i in 0..q.dimensions.len() {
        let value = text(&format!("d{i}"))?.unwrap_or_default();
        keys.push(Key {
            name: text(&format!("n{i}"))?.unwrap_or_else(|| value.clone()),
            within: text(&format!("p{i}"))?,
            value,
        });
    }
    let number = |col: &str| -> AppResult<Option<i64>> { Ok(row.try_get::<Option<i64>>("", col)?) };
    let mut counts = Vec::new();
    for m in &q.measures {
        counts.push(match m {
            Measure::WaitMedian | Measure::WaitP90 => None,
            m => Some(number(&format!("m_{}", m.as_str()))?.unwrap_or(0)),
        });
    }
    Ok(Cell {
        keys,
        counts,
        waits: number("waits")?.unwrap_or(0),
        wait_median: number("median")?,
        wait_p90: number("p90")?,
    })
}
