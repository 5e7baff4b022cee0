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

/// The parts of the statement that depend on one dimension. Facts are
/// grouped by a narrow raw key (an id or a short code) over the joined
/// facts `x`; only the cells, few, are then given their codes, names and
/// parents (`resolve`), over the grouped cells `c` and the key's column
/// `k{i}`.
struct DimensionSql {
    raw: &'static str,
    /// A condition that the raw key is one of the codes `values` (a list
    /// of placeholders) names.
    filter: fn(&str, &str) -> String,
    resolve: fn(usize) -> Resolved,
}

/// A cell's key, name and parent as SQL over `c`, and the joins they read.
struct Resolved {
    joins: Vec<String>,
    key: String,
    name: String,
    within: String,
}

fn resolved_plain(i: usize) -> Resolved {
    Resolved {
        joins: Vec::new(),
        key: format!("COALESCE(c.k{i}, '')"),
        name: format!("COALESCE(c.k{i}, '')"),
        within: "CAST(NULL AS TEXT)".to_owned(),
    }
}

/// An area by id, with the code of its parent (a ward's authority, an
/// authority's ICB) where it has one that another answer totals.
fn resolved_area(i: usize, with_parent: bool) -> Resolved {
    let mut joins = vec![format!("LEFT JOIN area a{i} ON a{i}.id = c.k{i}")];
    let within = if with_parent {
        joins.push(format!("LEFT JOIN area b{i} ON b{i}.id = a{i}.parent_id"));
        format!("b{i}.code")
    } else {
        "CAST(NULL AS TEXT)".to_owned()
    };
    Resolved {
        joins,
        key: format!("COALESCE(a{i}.code, '')"),
        name: format!("COALESCE(a{i}.name, '')"),
        within,
    }
}

fn plain_filter(raw: &str, values: &str) -> String {
    format!("COALESCE({raw}, '') IN ({values})")
}

fn dimension_sql(d: Dimension) -> DimensionSql {
    let plain = |raw| DimensionSql {
        raw,
        filter: plain_filter,
        resolve: resolved_plain,
    };
    let area = |raw, filter, resolve| DimensionSql {
        raw,
        filter,
        resolve,
    };
    match d {
        Dimension::Week | Dimension::Month | Dimension::Quarter => DimensionSql {
            raw: "per.label",
            filter: plain_filter,
            resolve: |i| Resolved {
                joins: vec![format!("LEFT JOIN pl a{i} ON a{i}.label = c.k{i}")],
                key: format!("c.k{i}"),
                name: format!("c.k{i}"),
                within: format!("a{i}.within"),
            },
        },
        Dimension::Icb => area(
            "la.parent_id",
            |raw, values| {
                format!("{raw} IN (SELECT id FROM area WHERE kind = 'icb' AND code IN ({values}))")
            },
            |i| resolved_area(i, false),
        ),
        Dimension::LocalAuthority => area(
            "w.parent_id",
            |raw, values| {
                format!("{raw} IN (SELECT id FROM area WHERE kind = 'local_authority' AND code IN ({values}))")
            },
            |i| resolved_area(i, true),
        ),
        Dimension::Ward => area(
            "r.residence_ward_id",
            |raw, values| {
                format!("{raw} IN (SELECT id FROM area WHERE kind = 'ward' AND code IN ({values}))")
            },
            |i| resolved_area(i, true),
        ),
        // A ward's PCN: the PCN of its GP practices (the lowest-numbered
        // where several serve it), as on the dashboards.
        Dimension::Pcn => DimensionSql {
            raw:
                "(SELECT MIN(gp.pcn_id) FROM gp_practice gp WHERE gp.ward_id = r.residence_ward_id)",
            filter: |raw, values| format!("{raw} IN (SELECT id FROM pcn WHERE code IN ({values}))"),
            resolve: |i| Resolved {
                joins: vec![format!("LEFT JOIN pcn a{i} ON a{i}.id = c.k{i}")],
                key: format!("COALESCE(a{i}.code, '')"),
                name: format!("COALESCE(a{i}.name, '')"),
                within: "CAST(NULL AS TEXT)".to_owned(),
            },
        },
        Dimension::GatewayKind => plain("g.kind"),
        Dimension::Need => DimensionSql {
            raw: "rn.need_code",
            filter: plain_filter,
            resolve: |i| Resolved {
                joins: vec![format!("LEFT JOIN need a{i} ON a{i}.code = c.k{i}")],
                key: format!("c.k{i}"),
                name: format!("COALESCE(a{i}.label, c.k{i})"),
                within: "CAST(NULL AS TEXT)".to_owned(),
            },
        },
        Dimension::AgeBand => plain("r.age_band"),
        Dimension::PreferredLanguage => plain("COALESCE(r.preferred_language, 'en')"),
        Dimension::MissingCapability => plain("x.cap"),
        Dimension::OrganisationKind => plain("o.kind"),
        Dimension::Service => DimensionSql {
            raw: "x.service_id",
            filter: |raw, values| {
                format!("{raw} IN (SELECT id FROM service WHERE CAST(id AS TEXT) IN ({values}))")
            },
            resolve: |i| Resolved {
                joins: vec![format!("LEFT JOIN service a{i} ON a{i}.id = c.k{i}")],
                key: format!("COALESCE(CAST(c.k{i} AS TEXT), '')"),
                name: format!("COALESCE(a{i}.name, '')"),
                within: "CAST(NULL AS TEXT)".to_owned(),
            },
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
        let mut named = Vec::new();
        for p in periods(*time, &q.window) {
            let label = sql.param(p.label);
            let within = match p.within {
                Some(w) => sql.param(w),
                None => "CAST(NULL AS TEXT)".to_owned(),
            };
            named.push(format!("({label}, {within})"));
            for day in p.from.iter_days().take_while(|day| *day < p.to) {
                rows.push(format!("({}, {label}, {within})", sql.param(day)));
            }
        }
        ctes.push(format!(
            "per(day, label, within) AS (VALUES {})",
            rows.join(", ")
        ));
        ctes.push(format!(
            "pl(label, within) AS (VALUES {})",
            named.join(", ")
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
        AgeBand, GatewayKind, Icb, LocalAuthority, OrganisationKind, Pcn, PreferredLanguage, Ward,
    };
    // Only the tables some dimension or filter reads are joined; a ward
    // names its authority, an authority its ICB (the lines secondary
    // suppression protects).
    let mut joins = Vec::new();
    if any(&[Ward, LocalAuthority, Icb, Pcn, AgeBand, PreferredLanguage]) {
        joins.push("JOIN referral r ON r.id = x.referral_id");
    }
    if any(&[LocalAuthority, Icb]) {
        joins.push("JOIN area w ON w.id = r.residence_ward_id");
    }
    if uses(Icb) {
        joins.push("LEFT JOIN area la ON la.id = w.parent_id");
    }
    if uses(GatewayKind) {
        joins.push("JOIN gateway g ON g.id = x.gateway_id");
    }
    if uses(OrganisationKind) {
        joins.push("LEFT JOIN service s ON s.id = x.service_id");
        joins.push("LEFT JOIN organisation o ON o.id = s.organisation_id");
    }
    if uses(Dimension::Need) {
        joins.push("JOIN referral_need rn ON rn.referral_id = x.referral_id");
    }
    if q.dimensions.iter().any(|d| d.is_time()) {
        joins.push("JOIN per ON per.day = x.day");
    }

    let mut conditions = Vec::new();
    for f in &q.filters {
        let dim = dimension_sql(f.dimension);
        let values: Vec<String> = f.values.iter().map(|v| sql.param(v.clone())).collect();
        conditions.push((dim.filter)(dim.raw, &values.join(", ")));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    // Facts are grouped by their narrow raw keys; with no dimension, one
    // cell.
    let raw: Vec<&str> = if q.dimensions.is_empty() {
        vec!["''"]
    } else {
        q.dimensions.iter().map(|d| dimension_sql(*d).raw).collect()
    };
    let key_cols: Vec<String> = (0..raw.len()).map(|i| format!("k{i}")).collect();
    let keys = key_cols.join(", ");
    let columns: Vec<String> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{r} AS k{i}"))
        .collect();
    // The waits read the joined facts a second time: only then are they
    // kept rather than streamed into the grouping.
    let kept = if statistics.is_empty() {
        "NOT MATERIALIZED"
    } else {
        "MATERIALIZED"
    };
    ctes.push(format!(
        "j AS {kept} (SELECT x.referral_id, x.service_id, x.day, x.measure, x.wait, {} FROM facts x {}{where_clause})",
        columns.join(", "),
        joins.join(" ")
    ));
    // Each referral once per cell and measure: duplicates go in a hashed
    // grouping of the narrow rows, then the cell's counts are plain sums.
    ctes.push(format!(
        "once AS (SELECT {keys}, measure, referral_id FROM j GROUP BY {keys}, measure, referral_id)"
    ));
    let counts: Vec<String> = read
        .iter()
        .map(|m| {
            format!(
                "SUM(CASE WHEN measure = '{0}' THEN 1 ELSE 0 END) AS m_{0}",
                m.as_str()
            )
        })
        .collect();
    ctes.push(format!(
        "counted AS (SELECT {keys}, {} FROM once GROUP BY {keys})",
        counts.join(", ")
    ));
    let cols: Vec<String> = read.iter().map(|m| format!("m_{}", m.as_str())).collect();
    let zeros: Vec<String> = read
        .iter()
        .map(|m| format!("0 AS m_{}", m.as_str()))
        .collect();
    let sums: Vec<String> = read
        .iter()
        .map(|m| format!("CAST(SUM(m_{0}) AS BIGINT) AS m_{0}", m.as_str()))
        .collect();
    let sums_of_counts: Vec<String> = read
        .iter()
        .map(|m| format!("CAST(m_{0} AS BIGINT) AS m_{0}", m.as_str()))
        .collect();
    let cells = if statistics.is_empty() {
        format!(
            "SELECT {keys}, {}, CAST(0 AS BIGINT) AS waits, CAST(NULL AS BIGINT) AS median, CAST(NULL AS BIGINT) AS p90 FROM counted",
            sums_of_counts.join(", ")
        )
    } else {
        // Nearest-rank waits from each cell's histogram, as the overview's:
        // each start once (a filter on needs joins a referral's needs, and
        // a referral may have two of those listed).
        ctes.push(format!(
            "ws AS (SELECT DISTINCT {keys}, referral_id, service_id, day, wait FROM j WHERE measure = 'started' AND wait IS NOT NULL),
             wh AS (SELECT {keys}, wait AS w, COUNT(*) AS n FROM ws GROUP BY {keys}, wait),
             wc AS (SELECT {keys}, w, SUM(n) OVER (PARTITION BY {keys} ORDER BY w) AS reached,
                           CAST(SUM(n) OVER (PARTITION BY {keys}) AS BIGINT) AS total FROM wh),
             gw AS (SELECT {keys}, total,
                           MIN(CASE WHEN reached >= {median} THEN w END) AS median,
                           MIN(CASE WHEN reached >= {p90} THEN w END) AS p90
                    FROM wc GROUP BY {keys}, total)",
            median = rank_sql(Percentile::Median),
            p90 = rank_sql(Percentile::P90),
        ));
        format!(
            "SELECT {keys}, {sums}, CAST(SUM(waits) AS BIGINT) AS waits,
                    CAST(MAX(median) AS BIGINT) AS median, CAST(MAX(p90) AS BIGINT) AS p90
             FROM (SELECT {keys}, {cols}, 0 AS waits, CAST(NULL AS BIGINT) AS median, CAST(NULL AS BIGINT) AS p90 FROM counted
                   UNION ALL
                   SELECT {keys}, {zeros}, total, median, p90 FROM gw) parts
             GROUP BY {keys}",
            sums = sums.join(", "),
            cols = cols.join(", "),
            zeros = zeros.join(", "),
        )
    };
    ctes.push(format!("c AS ({cells})"));
    // Only now, for the cells, the codes, names and parents.
    let mut resolved = Vec::new();
    let mut lookups = Vec::new();
    for (i, dim) in q.dimensions.iter().enumerate() {
        let r = (dimension_sql(*dim).resolve)(i);
        resolved.push(format!(
            "{} AS d{i}, {} AS n{i}, {} AS p{i}",
            r.key, r.name, r.within
        ));
        lookups.extend(r.joins);
    }
    if q.dimensions.is_empty() {
        resolved.push("'' AS d0".to_owned());
    }
    let order: Vec<String> = (0..raw.len()).map(|i| format!("d{i}")).collect();
    let limit = sql.param(limit as i64);
    sql.push(&format!(
        "WITH {ctes}
         SELECT {resolved}, {cols}, waits, median, p90
         FROM c {lookups}
         ORDER BY {order}
         LIMIT {limit}",
        ctes = ctes.join(",\n"),
        resolved = resolved.join(", "),
        cols = cols
            .iter()
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", "),
        lookups = lookups.join(" "),
        order = order.join(", "),
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
