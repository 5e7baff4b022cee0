//! The candidates of a service search: services at venues in wards near
//! the person's ward that address at least one of their needs, found
//! through the indexes on ward position, venue ward and service need.

use sea_orm::FromQueryResult;

use super::sql::Sql;
use super::Store;
use crate::domain::codes::Need;
use crate::domain::matching::Point;
use crate::error::AppResult;

#[derive(Debug, Clone, FromQueryResult)]
pub struct CandidateRow {
    pub service_id: i64,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    /// The venue's position, or its ward's centroid where it has none.
    pub latitude: f64,
    pub longitude: f64,
}

/// Services at venues whose ward centroid lies in the box `lo`..`hi`
/// (widen it by a ward's reach: the venue, not the centroid, is measured).
pub async fn candidates(
    store: &Store,
    needs: &[Need],
    lo: Point,
    hi: Point,
) -> AppResult<Vec<CandidateRow>> {
    let mut sql = Sql::default();
    let (lat0, lat1) = (sql.param(lo.lat), sql.param(hi.lat));
    let (lon0, lon1) = (sql.param(lo.lon), sql.param(hi.lon));
    sql.push(&format!(
        "SELECT s.id AS service_id, s.min_age, s.max_age,
                COALESCE(l.latitude, w.latitude) AS latitude,
                COALESCE(l.longitude, w.longitude) AS longitude
         FROM area w
         JOIN location l ON l.ward_id = w.id
         JOIN service s ON s.location_id = l.id
         WHERE w.kind = 'ward'
           AND w.latitude BETWEEN {lat0} AND {lat1}
           AND w.longitude BETWEEN {lon0} AND {lon1}
           AND EXISTS (SELECT 1 FROM service_need sn
                       WHERE sn.service_id = s.id AND sn.need_code IN "
    ));
    let needs: Vec<&str> = needs.iter().map(|n| n.as_str()).collect();
    sql.bind_list(&needs).push(")");
    Ok(CandidateRow::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?)
}

/// Up to `n` wards with a centroid, spread evenly over the ward ids (the
/// benchmark's search origins).
pub async fn sample_wards(store: &Store, n: usize) -> AppResult<Vec<i64>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
    }
    let rows = Row::find_by_statement(
        Sql::new("SELECT id FROM area WHERE kind = 'ward' AND latitude IS NOT NULL ORDER BY id")
            .build(store.backend()),
    )
    .all(&*store.lane().await?)
    .await?;
    let step = (rows.len() / n.max(1)).max(1);
    Ok(rows
        .into_iter()
        .step_by(step)
        .take(n)
        .map(|r| r.id)
        .collect())
}
