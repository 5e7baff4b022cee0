//! What a scenario reads from the baseline besides the commissioner's
//! measures (which come from `metrics::overview`): the wards of a place,
//! who was referred from them and how many went on, where each ward's
//! referrals for each need went, how long episodes last and how many give
//! up waiting, and the services a stream could reach. Each is one grouped
//! statement; no referral row leaves the database.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::FromQueryResult;

use super::sql::{Dialect, Sql};
use super::Store;
use crate::domain::codes::{AgeBand, GatewayKind, Need};
use crate::domain::matching::Point;
use crate::domain::metrics::Window;
use crate::domain::scenario::change::Place;
use crate::domain::scenario::demand::{Cell, WardHistory};
use crate::error::{AppError, AppResult};

/// The wards of `place` (a ward, the wards of a local authority or ICB,
/// or the wards of a PCN's practices), in id order; BAD_USER_INPUT naming
/// `field` when the place does not exist or has no wards.
pub async fn wards_of(store: &Store, field: &str, place: Place) -> AppResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
    }
    let mut sql = Sql::default();
    let (what, id) = match place {
        Place::Area(id) => {
            let a = sql.param(id);
            sql.push(&format!(
                "SELECT w.id FROM area w LEFT JOIN area la ON la.id = w.parent_id
                 WHERE w.kind = 'ward' AND (w.id = {a} OR w.parent_id = {a} OR la.parent_id = {a})
                 ORDER BY w.id"
            ));
            ("area", id)
        }
        Place::Pcn(id) => {
            let p = sql.param(id);
            sql.push(&format!(
                "SELECT DISTINCT ward_id AS id FROM gp_practice WHERE pcn_id = {p} ORDER BY ward_id"
            ));
            ("PCN", id)
        }
    };
    let wards: Vec<i64> = Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if wards.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("no {what} with id {id} and wards of its own is known"),
        ));
    }
    Ok(wards)
}

/// The centroids of those of `wards` that have one, by ward.
pub async fn centroids(store: &Store, wards: &[i64]) -> AppResult<HashMap<i64, Point>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
        latitude: f64,
        longitude: f64,
    }
    let mut sql = Sql::new(
        "SELECT id, latitude, longitude FROM area
         WHERE latitude IS NOT NULL AND longitude IS NOT NULL AND id IN ",
    );
    sql.bind_list(wards).push(" ORDER BY id");
    Ok(Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id,
                Point {
                    lat: r.latitude,
                    lon: r.longitude,
                },
            )
        })
        .collect())
}

/// Referrals received in `window` from `wards` (everywhere when None), by
/// ward and gateway kind: who went on to a community service, and how
/// many were received and went on. One read for every place a run looks at.
pub async fn ward_history(
    store: &Store,
    window: &Window,
    wards: Option<&[i64]>,
) -> AppResult<WardHistory> {
    #[derive(FromQueryResult)]
    struct Row {
        kind: String,
        ward_id: i64,
        need_code: String,
        age_band: String,
        preferred_language: Option<String>,
        onward: i64,
        needs: i64,
        referrals: i64,
    }
    let mut sql = Sql::default();
    let from = sql.param(window.from().and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    let to = sql.param(window.to().and_hms_opt(0, 0, 0).map(|t| t.and_utc()));
    let in_wards = match wards {
        Some(wards) => {
            let ids: Vec<String> = wards.iter().map(|w| sql.param(*w)).collect();
            let ids = if ids.is_empty() {
                "NULL".to_owned()
            } else {
                ids.join(", ")
            };
            format!(" AND r.residence_ward_id IN ({ids})")
        }
        None => String::new(),
    };
    // Rows come in the same order on every engine (a language not stated
    // sorts first: SQLite puts NULL first, PostgreSQL last), so the shares
    // are added in the same order and a run's figures are the same on both.
    // One row per referral and need: whole counts by whether the referral
    // went on and how many needs it has, so received, onward and each
    // need's share are all exact sums (see `fold`). The referrals are
    // kept first, so their needs are read by key rather than all of them.
    sql.push(&format!(
        "WITH r AS MATERIALIZED (
            SELECT r.id, g.kind, r.residence_ward_id AS ward_id, r.age_band, r.preferred_language,
                   (SELECT COUNT(*) FROM referral_need n WHERE n.referral_id = r.id) AS needs,
                   CASE WHEN EXISTS (SELECT 1 FROM referral_flow f WHERE f.referral_id = r.id)
                        THEN 1 ELSE 0 END AS onward
            FROM referral r JOIN gateway g ON g.id = r.gateway_id
            WHERE r.received_at >= {from} AND r.received_at < {to}{in_wards}
        )
        SELECT r.kind, r.ward_id, n.need_code, r.age_band, r.preferred_language,
               CAST(r.onward AS BIGINT) AS onward, CAST(r.needs AS BIGINT) AS needs,
               CAST(COUNT(*) AS BIGINT) AS referrals
        FROM r JOIN referral_need n ON n.referral_id = r.id
        GROUP BY r.kind, r.ward_id, n.need_code, r.age_band, r.preferred_language, r.onward, r.needs
        ORDER BY r.kind, r.ward_id, n.need_code, r.age_band, COALESCE(r.preferred_language, ''), r.onward, r.needs"
    ));
    let rows = Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?;
    // A referral with n needs is n rows: its ward's and kind's need rows
    // by `needs` add up to n × the referrals.
    let mut need_rows: std::collections::BTreeMap<(String, i64, i64, i64), i64> =
        std::collections::BTreeMap::new();
    for r in &rows {
        *need_rows
            .entry((r.kind.clone(), r.ward_id, r.needs, r.onward))
            .or_default() += r.referrals;
    }
    let mut totals: std::collections::BTreeMap<(String, i64), (i64, i64)> =
        std::collections::BTreeMap::new();
    for ((kind, ward, needs, onward), n) in need_rows {
        let referrals = n / needs.max(1);
        let t = totals.entry((kind, ward)).or_default();
        t.0 += referrals;
        if onward == 1 {
            t.1 += referrals;
        }
    }
    let cells = fold(rows.into_iter().filter(|r| r.onward == 1).map(|c| {
        (
            (
                c.kind,
                c.ward_id,
                c.need_code,
                c.age_band,
                c.preferred_language,
            ),
            c.needs,
            c.referrals,
        )
    }));
    Ok(WardHistory {
        cells: cells
            .into_iter()
            .filter_map(|((kind, ward_id, need, age, language), referrals)| {
                Some((
                    GatewayKind::parse(&kind)?,
                    cell(ward_id, &need, &age, language, referrals)?,
                ))
            })
            .collect(),
        totals: totals
            .into_iter()
            .filter_map(|((kind, ward), (received, onward))| {
                Some((
                    ward,
                    GatewayKind::parse(&kind)?,
                    received as f64,
                    onward as f64,
                ))
            })
            .collect(),
    })
}

/// Where each ward's referrals for each need were taken on in `window`:
/// referrals by (ward, need) and service.
pub type RoutingHistory = HashMap<(i64, Need), HashMap<i64, f64>>;

pub async fn routing_history(
    store: &Store,
    window: &Window,
    wards: &[i64],
) -> AppResult<RoutingHistory> {
    #[derive(FromQueryResult)]
    struct Row {
        ward_id: i64,
        need_code: String,
        service_id: i64,
        referrals: i64,
    }
    let mut sql = Sql::default();
    let (from, to) = (sql.param(window.from()), sql.param(window.to()));
    // The wards' flows first, then their needs by the needs' key: joined
    // the other way round, PostgreSQL reads every need of every referral.
    sql.push(&format!(
        "WITH rf AS MATERIALIZED (
            SELECT r.id, r.residence_ward_id, f.service_id
            FROM referral r JOIN referral_flow f ON f.referral_id = r.id
            WHERE f.demand_on >= {from} AND f.demand_on < {to} AND r.residence_ward_id IN "
    ));
    sql.bind_list(wards).push(
        ")
         SELECT rf.residence_ward_id AS ward_id, n.need_code, rf.service_id,
                CAST(COUNT(*) AS BIGINT) AS referrals
         FROM rf JOIN referral_need n ON n.referral_id = rf.id
         GROUP BY rf.residence_ward_id, n.need_code, rf.service_id
         ORDER BY rf.residence_ward_id, n.need_code, rf.service_id",
    );
    let mut out: RoutingHistory = HashMap::new();
    for r in Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
    {
        if let Some(need) = Need::parse(&r.need_code) {
            out.entry((r.ward_id, need))
                .or_default()
                .insert(r.service_id, r.referrals as f64);
        }
    }
    Ok(out)
}

/// A service's episodes and drop-outs over a window.
#[derive(Debug, Clone, Copy, Default, PartialEq, FromQueryResult)]
pub struct EpisodeHistory {
    pub service_id: i64,
    /// Episodes that ended in the window, and their days from start to end.
    pub ended: i64,
    pub episode_days: i64,
    /// People who left a waiting list in the window without being taken on.
    pub dropouts: i64,
}

pub async fn episodes(
    store: &Store,
    window: &Window,
    services: &[i64],
) -> AppResult<HashMap<i64, EpisodeHistory>> {
    let d = Dialect(store.backend());
    let mut sql = Sql::default();
    let (from, to) = (sql.param(window.from()), sql.param(window.to()));
    let ended = format!("f.ended_on >= {from} AND f.ended_on < {to} AND f.started_on IS NOT NULL");
    let dropped = format!(
        "f.waitlist_end_on >= {from} AND f.waitlist_end_on < {to}
         AND f.accepted_on IS NULL AND f.started_on IS NULL"
    );
    sql.push(&format!(
        "SELECT f.service_id,
                CAST(SUM(CASE WHEN {ended} THEN 1 ELSE 0 END) AS BIGINT) AS ended,
                CAST(COALESCE(SUM(CASE WHEN {ended} THEN {days} ELSE 0 END), 0) AS BIGINT) AS episode_days,
                CAST(SUM(CASE WHEN {dropped} THEN 1 ELSE 0 END) AS BIGINT) AS dropouts
         FROM referral_flow f
         WHERE (({ended}) OR ({dropped})) AND f.service_id IN ",
        days = d.days("f.started_on", "f.ended_on"),
    ));
    sql.bind_list(services).push(" GROUP BY f.service_id");
    Ok(
        EpisodeHistory::find_by_statement(sql.build(store.backend()))
            .all(&*store.lane().await?)
            .await?
            .into_iter()
            .map(|h| (h.service_id, h))
            .collect(),
    )
}

/// Where a service is and what it costs.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Placement {
    pub service_id: i64,
    pub organisation_id: i64,
    pub ward_id: Option<i64>,
    pub unit_cost_pence: Option<i64>,
    /// The venue, or its ward's centroid, or the organisation's ward's.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
}

/// The services lead (a CROSS JOIN keeps its order in SQLite), as in the
/// overview's `geo`.
pub async fn placements(store: &Store, services: &[i64]) -> AppResult<Vec<Placement>> {
    let mut sql = Sql::new(
        "SELECT s.id AS service_id, s.organisation_id, COALESCE(l.ward_id, o.ward_id) AS ward_id,
                s.unit_cost_pence, s.min_age, s.max_age,
                COALESCE(l.latitude, w.latitude) AS latitude,
                COALESCE(l.longitude, w.longitude) AS longitude
         FROM service s
         CROSS JOIN organisation o
         LEFT JOIN location l ON l.id = s.location_id
         LEFT JOIN area w ON w.id = COALESCE(l.ward_id, o.ward_id)
         WHERE o.id = s.organisation_id AND s.id IN ",
    );
    sql.bind_list(services).push(" ORDER BY s.id");
    Ok(Placement::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?)
}

/// A history cell from the codes the database returns; None for a code
/// no longer known.
fn cell(
    ward_id: i64,
    need: &str,
    age: &str,
    language: Option<String>,
    referrals: f64,
) -> Option<Cell> {
    Some(Cell {
        ward_id,
        need: Need::parse(need)?,
        age_band: AgeBand::parse(age),
        language,
        referrals,
    })
}

/// Rows of (key, needs, referrals) in key order, folded into one weight
/// per key: a referral with n needs counts 1/n to each. The database
/// returns whole counts and the division and addition happen here, in
/// row order, so both engines give the same figures to the last bit.
fn fold<K: PartialEq>(rows: impl IntoIterator<Item = (K, i64, i64)>) -> Vec<(K, f64)> {
    let mut out: Vec<(K, f64)> = Vec::new();
    for (key, needs, referrals) in rows {
        let weight = referrals as f64 / needs.max(1) as f64;
        match out.last_mut() {
            Some((last, sum)) if *last == key => *sum += weight,
            _ => out.push((key, weight)),
        }
    }
    out
}

/// The last day of referral history: the baseline ends there by default.
pub async fn last_day(store: &Store) -> AppResult<Option<NaiveDate>> {
    super::metrics::data_as_of(store).await
}

/// Demand that arrived in each of `weeks`: referrals taken on at a
/// service (first accepted, or started) by week, ward, need, age band and
/// language; a referral with several needs counts a share to each.
pub async fn demand_arrived(store: &Store, weeks: &[Window]) -> AppResult<Vec<(usize, Cell)>> {
    #[derive(FromQueryResult)]
    struct Row {
        week: i64,
        ward_id: i64,
        need_code: String,
        age_band: String,
        preferred_language: Option<String>,
        needs: i64,
        referrals: i64,
    }
    let mut sql = Sql::default();
    let mut buckets = Vec::with_capacity(weeks.len());
    for (i, w) in weeks.iter().enumerate() {
        let (i, from, to) = (sql.param(i as i64), sql.param(w.from()), sql.param(w.to()));
        buckets.push(format!("({i}, {from}, {to})"));
    }
    sql.push(&format!(
        "WITH wk(i, w0, w1) AS (VALUES {buckets})
         SELECT CAST(wk.i AS BIGINT) AS week, r.residence_ward_id AS ward_id, n.need_code,
                r.age_band, r.preferred_language,
                CAST(nn.needs AS BIGINT) AS needs, CAST(COUNT(*) AS BIGINT) AS referrals
         FROM referral_flow f
         JOIN wk ON f.demand_on >= wk.w0 AND f.demand_on < wk.w1
         JOIN referral r ON r.id = f.referral_id
         JOIN referral_need n ON n.referral_id = r.id
         JOIN (SELECT referral_id, COUNT(*) AS needs FROM referral_need GROUP BY referral_id) nn
           ON nn.referral_id = r.id
         GROUP BY wk.i, r.residence_ward_id, n.need_code, r.age_band, r.preferred_language, nn.needs
         ORDER BY wk.i, r.residence_ward_id, n.need_code, r.age_band, COALESCE(r.preferred_language, ''), nn.needs",
        buckets = buckets.join(", "),
    ));
    let rows = Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?;
    Ok(fold(rows.into_iter().map(|r| {
        (
            (
                r.week,
                r.ward_id,
                r.need_code,
                r.age_band,
                r.preferred_language,
            ),
            r.needs,
            r.referrals,
        )
    }))
    .into_iter()
    .filter_map(|((week, ward_id, need, age, language), referrals)| {
        Some((
            usize::try_from(week).ok()?,
            cell(ward_id, &need, &age, language, referrals)?,
        ))
    })
    .collect())
}

/// The wards of each of `places` (a ward; the wards of a local authority
/// or ICB; the wards of a PCN's practices), in id order, in two reads for
/// any number of places; BAD_USER_INPUT naming a place's field when it
/// does not exist or has no wards.
pub async fn wards_of_places(
    store: &Store,
    places: &[(String, Place)],
) -> AppResult<Vec<Vec<i64>>> {
    #[derive(FromQueryResult)]
    struct Row {
        place: i64,
        ward: i64,
    }
    let ids = |pick: fn(&Place) -> Option<i64>| -> Vec<i64> {
        let mut v: Vec<i64> = places.iter().filter_map(|(_, p)| pick(p)).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let areas = ids(|p| match p {
        Place::Area(a) => Some(*a),
        Place::Pcn(_) => None,
    });
    let pcns = ids(|p| match p {
        Place::Pcn(p) => Some(*p),
        Place::Area(_) => None,
    });
    let mut of_area: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut of_pcn: HashMap<i64, Vec<i64>> = HashMap::new();
    if !areas.is_empty() {
        let mut sql = Sql::new(
            "SELECT a.id AS place, w.id AS ward
             FROM area a
             JOIN area w ON w.kind = 'ward'
              AND (w.id = a.id OR w.parent_id = a.id
                   OR w.parent_id IN (SELECT la.id FROM area la WHERE la.parent_id = a.id))
             WHERE a.id IN ",
        );
        sql.bind_list(&areas).push(" ORDER BY a.id, w.id");
        for r in Row::find_by_statement(sql.build(store.backend()))
            .all(&*store.lane().await?)
            .await?
        {
            of_area.entry(r.place).or_default().push(r.ward);
        }
    }
    if !pcns.is_empty() {
        let mut sql =
            Sql::new("SELECT pcn_id AS place, ward_id AS ward FROM gp_practice WHERE pcn_id IN ");
        sql.bind_list(&pcns)
            .push(" GROUP BY pcn_id, ward_id ORDER BY pcn_id, ward_id");
        for r in Row::find_by_statement(sql.build(store.backend()))
            .all(&*store.lane().await?)
            .await?
        {
            of_pcn.entry(r.place).or_default().push(r.ward);
        }
    }
    places
        .iter()
        .map(|(field, place)| {
            let (found, what, id) = match place {
                Place::Area(a) => (of_area.get(a), "area", *a),
                Place::Pcn(p) => (of_pcn.get(p), "PCN", *p),
            };
            found.cloned().ok_or_else(|| {
                AppError::bad_input(
                    field,
                    format!("no {what} with id {id} and wards of its own is known"),
                )
            })
        })
        .collect()
}

/// Every ward of the local authorities `wards` lie in, with its authority.
pub async fn authority_wards(store: &Store, wards: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        ward: i64,
        authority: i64,
    }
    let mut sql = Sql::new(
        "SELECT w.id AS ward, w.parent_id AS authority FROM area w
         WHERE w.kind = 'ward' AND w.parent_id IN (SELECT parent_id FROM area WHERE id IN ",
    );
    sql.bind_list(wards).push(") ORDER BY w.id");
    Ok(Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
        .into_iter()
        .map(|r| (r.ward, r.authority))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_referral_with_several_needs_counts_a_share_to_each() {
        // Two referrals with one need and three with two, for the same key:
        // 2 + 3 / 2.
        let folded = fold(vec![("a", 1, 2), ("a", 2, 3), ("b", 1, 1)]);
        assert_eq!(folded, [("a", 3.5), ("b", 1.0)]);
    }
}
