//! Researchers' questions about services (capacity, utilisation,
//! contribution hours, funding), grouped in the database by the question's
//! dimensions, each figure placed where the dashboards place it: a
//! service's at its venue's ward, else its organisation's; uncommissioned
//! work at its organisation's. Capacity, demand and caseload come from
//! the commissioner's overview statement itself, keyed by the dimensions
//! and one window a period, so they mean what the dashboards mean;
//! contributions and awards come from one grouped statement each, as
//! integer terms prorated to each period (the dashboards' arithmetic
//! finishes them, exactly). Everything is built from whitelisted codes;
//! what a caller sends is bound.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::FromQueryResult;

use super::analytics::Key;
use super::funding_gaps::award_span;
use super::metrics::{self, GroupBy, Keyed, OverviewQuery, Reads};
use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::analytics::{periods, Dimension, Measure, Period, Question};
use crate::domain::metrics::overview::Sums;
use crate::domain::metrics::Window;
use crate::error::AppResult;

/// One cell of a question about services, before disclosure control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceCell {
    pub keys: Vec<Key>,
    /// The period the cell covers: the time dimension's, else the window.
    pub period: Option<Window>,
    /// Σ over days of the places a week in force (the overview's).
    pub place_days: i64,
    /// Σ over days of the caseload maximum in force.
    pub caseload_days: i64,
    /// Referrals first accepted (or started with no acceptance before).
    pub demand: i64,
    /// Σ over days of the referrals on a caseload.
    pub active_days: i64,
    /// `(Σ minutes × days inside the period, days of the contribution)`.
    pub contribution: Vec<(i64, i64)>,
    /// `(Σ pence × days inside the period, days of the award's period)`.
    pub funding: Vec<(i64, i64)>,
}

impl ServiceCell {
    /// The sums the dashboards' measures are worked out from.
    pub fn sums(&self) -> Sums {
        Sums {
            place_days: self.place_days,
            caseload_days: self.caseload_days,
            demand: self.demand,
            active_days: self.active_days,
            ..Sums::default()
        }
    }
}

/// One dimension's part of a cell's key, as SQL over a place `sc`
/// (`service_id`, `organisation_id`, `ward_id`, `la_id`, `icb_id`).
struct Part {
    key: &'static str,
    name: &'static str,
    within: &'static str,
    joins: &'static [&'static str],
}

const WARD: &str = "LEFT JOIN area kw ON kw.id = sc.ward_id";
const AUTHORITY: &str = "LEFT JOIN area kla ON kla.id = sc.la_id";
const ICB: &str = "LEFT JOIN area kicb ON kicb.id = sc.icb_id";

/// None for time, which is a window a period rather than a key.
fn part(d: Dimension) -> Option<Part> {
    let plain = |key, joins| Part {
        key,
        name: key,
        within: "NULL",
        joins,
    };
    Some(match d {
        Dimension::Icb => Part {
            key: "kicb.code",
            name: "kicb.name",
            within: "NULL",
            joins: &[ICB],
        },
        Dimension::LocalAuthority => Part {
            key: "kla.code",
            name: "kla.name",
            within: "kicb.code",
            joins: &[AUTHORITY, ICB],
        },
        Dimension::Ward => Part {
            key: "kw.code",
            name: "kw.name",
            within: "kla.code",
            joins: &[WARD, AUTHORITY],
        },
        // A ward's PCN: the PCN of its GP practices (the lowest-numbered
        // where several serve it), as on the dashboards.
        Dimension::Pcn => Part {
            key: "kp.code",
            name: "kp.name",
            within: "NULL",
            joins: &["LEFT JOIN pcn kp ON kp.id = (SELECT MIN(gp.pcn_id) FROM gp_practice gp WHERE gp.ward_id = sc.ward_id)"],
        },
        Dimension::Need => Part {
            key: "ksn.need_code",
            name: "COALESCE(knd.label, ksn.need_code)",
            within: "NULL",
            joins: &[
                "JOIN service_need ksn ON ksn.service_id = sc.service_id",
                "LEFT JOIN need knd ON knd.code = ksn.need_code",
            ],
        },
        Dimension::OrganisationKind => plain(
            "ko.kind",
            &["JOIN organisation ko ON ko.id = sc.organisation_id"],
        ),
        Dimension::Service => Part {
            key: "CAST(sc.service_id AS TEXT)",
            name: "ks.name",
            within: "NULL",
            joins: &["LEFT JOIN service ks ON ks.id = sc.service_id"],
        },
        // Not asked of services (the question refuses them); time is a
        // period.
        _ => return None,
    })
}

/// Joins a key's parts; no code, name or ONS code holds it.
const SEPARATOR: &str = "\u{1f}";

/// The question's dimensions other than time as key parts (key, name and
/// parent of each), the joins they need, and its filters.
fn keyed(q: &Question, limit: Option<u64>) -> Keyed {
    let mut keyed = Keyed {
        separator: SEPARATOR.to_owned(),
        limit,
        ..Keyed::default()
    };
    let mut join = |joins: &[&str]| {
        for j in joins {
            if !keyed.joins.iter().any(|have| have == j) {
                keyed.joins.push((*j).to_owned());
            }
        }
    };
    let parts: Vec<Part> = q.dimensions.iter().filter_map(|d| part(*d)).collect();
    for p in &parts {
        join(p.joins);
        keyed
            .parts
            .extend([p.key, p.name, p.within].map(str::to_owned));
    }
    for f in &q.filters {
        // A need the question does not break down by narrows the services
        // without joining their needs: a service with two of the needs
        // listed counts once.
        let condition = if f.dimension == Dimension::Need && !q.dimensions.contains(&f.dimension) {
            "EXISTS (SELECT 1 FROM service_need fn WHERE fn.service_id = sc.service_id AND fn.need_code IN ({values}))"
                .to_owned()
        } else if let Some(p) = part(f.dimension) {
            join(p.joins);
            format!("{} IN ({{values}})", p.key)
        } else {
            continue;
        };
        keyed.filters.push((condition, f.values.clone()));
    }
    keyed
}

/// The periods the cells cover: the time dimension's, else the window.
fn buckets(q: &Question) -> Vec<Period> {
    match q.dimensions.iter().find(|d| d.is_time()) {
        Some(time) => periods(*time, &q.window),
        None => vec![Period {
            label: String::new(),
            within: None,
            from: q.window.from(),
            to: q.window.to(),
        }],
    }
}

/// The cells of `q`, a question about services, in key order; more than
/// `limit` means too many.
pub async fn answer(
    store: &Store,
    q: &Question,
    today: NaiveDate,
    stale_before: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<ServiceCell>> {
    let periods = buckets(q);
    let windows: Vec<Window> = periods
        .iter()
        .map(|p| Window::parse(p.from, p.to))
        .collect::<Result<_, _>>()?;
    let asks = |m: &[Measure]| q.measures.iter().any(|x| m.contains(x));
    let mut cells: BTreeMap<(usize, String), ServiceCell> = BTreeMap::new();
    fn cell<'a>(
        cells: &'a mut BTreeMap<(usize, String), ServiceCell>,
        windows: &[Window],
        bucket: i64,
        key: String,
    ) -> &'a mut ServiceCell {
        let i = usize::try_from(bucket).unwrap_or(0);
        cells.entry((i, key)).or_insert_with(|| ServiceCell {
            period: windows.get(i).copied(),
            ..ServiceCell::default()
        })
    }
    if asks(&[Measure::CapacityPlaces, Measure::Utilisation]) {
        let rows = metrics::overview(
            store,
            &OverviewQuery {
                windows: windows.clone(),
                area_id: None,
                need: None,
                gateway_id: None,
                group_by: GroupBy::All,
                services: None,
                today,
                stale_before,
                keyed: Some(keyed(q, Some(limit + 1))),
                reads: Reads::Load,
            },
        )
        .await?;
        for r in rows {
            let c = cell(&mut cells, &windows, r.bucket, r.key);
            c.place_days += r.place_days;
            c.caseload_days += r.caseload_days;
            c.demand += r.demand;
            c.active_days += r.active_days;
        }
    }
    if asks(&[Measure::ContributionHours]) {
        for t in terms(store, q, &periods, Source::Contributions).await? {
            cell(&mut cells, &windows, t.bucket, t.key)
                .contribution
                .push((t.numerator, t.days));
        }
    }
    if asks(&[Measure::Funding]) {
        for t in terms(store, q, &periods, Source::Awards).await? {
            cell(&mut cells, &windows, t.bucket, t.key)
                .funding
                .push((t.numerator, t.days));
        }
    }
    let time = q.dimensions.iter().position(|d| d.is_time());
    let mut out: Vec<ServiceCell> = cells
        .into_iter()
        .map(|((bucket, key), mut c)| {
            c.keys = keys(&key, q.dimensions.len(), time, &periods[bucket]);
            c
        })
        .collect();
    out.sort_by(|a, b| {
        a.keys
            .iter()
            .map(|k| &k.value)
            .cmp(b.keys.iter().map(|k| &k.value))
    });
    Ok(out)
}

/// A cell's keys, in the question's dimension order, from the joined key
/// parts and its period.
fn keys(joined: &str, dimensions: usize, time: Option<usize>, period: &Period) -> Vec<Key> {
    let mut parts = joined.split(SEPARATOR);
    let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
    (0..dimensions)
        .map(|i| {
            if Some(i) == time {
                return Key {
                    value: period.label.clone(),
                    name: period.label.clone(),
                    within: period.within.clone(),
                };
            }
            let value = text(parts.next());
            let name = text(parts.next());
            let within = text(parts.next());
            Key {
                name: if name.is_empty() { value.clone() } else { name },
                value,
                within: (!within.is_empty()).then_some(within),
            }
        })
        .collect()
}

/// What is prorated to the periods.
#[derive(Clone, Copy)]
enum Source {
    Contributions,
    Awards,
}

#[derive(FromQueryResult)]
struct Term {
    bucket: i64,
    key: String,
    days: i64,
    numerator: i64,
}

/// `Σ amount × days inside` per period, key and length of the thing
/// prorated: minutes of contributions, or pence of awards other than
/// per-referral tariffs (what a tariff pays counts the people started).
async fn terms(
    store: &Store,
    q: &Question,
    periods: &[Period],
    source: Source,
) -> AppResult<Vec<Term>> {
    let d = Dialect(store.backend());
    let mut sql = Sql::default();
    let mut rows = Vec::with_capacity(periods.len());
    for (i, p) in periods.iter().enumerate() {
        rows.push(format!(
            "({}, {}, {})",
            sql.param(i as i64),
            sql.param(p.from),
            sql.param(p.to)
        ));
    }
    let (from, to) = (sql.param(q.window.from()), sql.param(q.window.to()));
    let keyed = keyed(q, None);
    let key = keyed.key(&mut sql);
    let mut conditions = keyed.conditions(&mut sql);
    conditions.push("sc.f < per.w1 AND sc.t > per.w0".to_owned());
    // Each record over its own span [f, t), placed as the dashboards
    // place it: uncommissioned work at its organisation's ward; an award
    // where its service is (the venue's ward, else the service's
    // organisation's), else its recipient's.
    let (things, organisation, ward, amount, span, only) = match source {
        Source::Contributions => (
            "contribution c JOIN organisation o ON o.id = c.organisation_id",
            "c.organisation_id",
            "o.ward_id",
            "c.minutes",
            ("c.period_start".to_owned(), d.add_days("c.period_end", 1)),
            "",
        ),
        Source::Awards => (
            "funding_award c JOIN organisation o ON o.id = c.recipient_organisation_id",
            "c.recipient_organisation_id",
            "COALESCE(l.ward_id, so.ward_id, o.ward_id)",
            "c.amount_pence",
            award_span(d, "c"),
            " AND c.kind <> 'per_referral_tariff'",
        ),
    };
    let days = d.days("sc.f", "sc.t");
    let inside = d.overlap(&["sc.f"], &["sc.t"], "per.w0", "per.w1");
    sql.push(&format!(
        "WITH per(i, w0, w1) AS (VALUES {rows}),
        placed AS (
            SELECT c.service_id, {organisation} AS organisation_id,
                   {ward} AS ward_id, w.parent_id AS la_id, la.parent_id AS icb_id,
                   {amount} AS amount, {f} AS f, {t} AS t
            FROM {things}
            LEFT JOIN service s ON s.id = c.service_id
            LEFT JOIN organisation so ON so.id = s.organisation_id
            LEFT JOIN location l ON l.id = s.location_id
            LEFT JOIN area w ON w.id = {ward}
            LEFT JOIN area la ON la.id = w.parent_id
            WHERE 1 = 1{only}
        ),
        sc AS (SELECT * FROM placed WHERE f < {to} AND t > {from})
        SELECT CAST(per.i AS BIGINT) AS bucket, {key} AS key, {days} AS days,
               CAST(SUM(sc.amount * {inside}) AS BIGINT) AS numerator
        FROM sc {joins} CROSS JOIN per
        WHERE {conditions}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3",
        rows = rows.join(", "),
        f = span.0,
        t = span.1,
        joins = keyed.joins.join(" "),
        conditions = conditions.join(" AND "),
    ));
    Ok(Term::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?)
}
