//! Service search for link workers: the services near a person's ward
//! that fit them and have room, ranked by `domain::matching` with their
//! recent measures; and, when nothing fits, that report recorded on the
//! unmet-needs register.

use std::collections::HashMap;

use chrono::{Duration, Utc};

use super::Context;
use crate::domain::age::AgeRange;
use crate::domain::capability::{Capability, CapabilityKind};
use crate::domain::codes::{Need, NoFitReason, UnmetNeedStatus};
use crate::domain::matching::{self, Candidate, Point, Ranking, Wants};
use crate::domain::metrics::overview::Measures;
use crate::domain::metrics::Window;
use crate::domain::status::{self, staleness};
use crate::error::{AppError, AppResult};
use crate::store::entity::{area, unmet_need};
use crate::store::metrics::{self as metrics, GroupBy, OverviewQuery, Reads};
use crate::store::{areas, matching as candidates, services, unmet_needs};

/// How far a venue may sit from its ward's centroid: the box of wards
/// searched is widened by this, then every venue is measured exactly.
const WARD_REACH_KM: f64 = 5.0;
/// Headroom and utilisation are read over the last four weeks, the
/// typical wait over the last twelve.
const RECENT_DAYS: i64 = 28;
const WAIT_DAYS: i64 = 84;
/// The days from a link worker's report to the review date of the
/// register entry it opens.
const REVIEW_AFTER_DAYS: i64 = 30;

/// A parsed search: the person's ward and what they want.
#[derive(Debug, Clone)]
pub struct Search {
    pub ward_id: i64,
    pub wants: Wants,
}

/// What a search found.
pub struct Found {
    pub ranking: Ranking,
    /// Median days from acceptance to start over the last twelve weeks, by
    /// service, for the candidates that have one.
    pub waits: HashMap<i64, i64>,
}

/// The services near the person that fit, best first, and why nothing
/// fits when none does.
pub async fn find_services(cx: &Context<'_>, search: &Search) -> AppResult<Found> {
    let ward = areas::require_ward(cx.store, "residenceWardId", search.ward_id).await?;
    let (ranking, waits) = rank(cx, &ward, &search.wants).await?;
    Ok(Found { ranking, waits })
}

/// What `record_no_fit` recorded.
pub struct NoFitRecorded {
    pub reason: NoFitReason,
    /// One entry per need: an open entry that matched, or a new one.
    pub entries: Vec<unmet_need::Model>,
}

/// Runs the search again and, if nothing fits, records that for each need
/// on the matching open register entry (ward, local authority or ICB) or
/// on a new entry in the local authority, in one transaction. CONFLICT if
/// something fits after all.
pub async fn record_no_fit(
    cx: &Context<'_>,
    search: &Search,
    note: Option<String>,
) -> AppResult<NoFitRecorded> {
    let ward = areas::require_ward(cx.store, "residenceWardId", search.ward_id).await?;
    let wants = &search.wants;
    let (ranking, _) = rank(cx, &ward, wants).await?;
    let Some(no_fit) = ranking.no_fit else {
        return Err(AppError::Conflict(format!(
            "{} services fit and have room; nothing to record",
            ranking.with_room
        )));
    };
    let reason = no_fit.reason();
    let missing = no_fit.missing_capability();
    let la = match ward.parent_id {
        Some(id) => Some(areas::require_area(cx.store, id).await?),
        None => None,
    };
    let explanation = no_fit.explanation(wants.max_distance_km);
    let mut reports = Vec::new();
    for &need in &wants.needs {
        let entry =
            unmet_needs::matching_entry(cx.store, &ward, la.as_ref(), need, missing).await?;
        reports.push((
            entry,
            unmet_needs::NoFitReport {
                reason,
                note: note.clone(),
                gateway_id: cx.principal.gateway_id,
                recorded_by: Some(cx.principal.key_id),
                new_entry: unmet_needs::UnmetNeedFields {
                    need,
                    capability: missing.cloned(),
                    evidence: format!(
                        "Raised by a link worker's search from {}: {explanation}.",
                        ward.name
                    ),
                    // Middle ratings until a commissioner reviews it.
                    likelihood: 3,
                    impact: 3,
                    action: None,
                    owner: None,
                    review_date: Some(cx.today + Duration::days(REVIEW_AFTER_DAYS)),
                    status: UnmetNeedStatus::Open,
                },
            },
        ));
    }
    let area = la.as_ref().map_or(ward.id, |l| l.id);
    let entries = unmet_needs::record_no_fit(cx.store, ward.id, area, reports).await?;
    Ok(NoFitRecorded { reason, entries })
}

/// Finds the candidates and ranks them: one indexed query for the services
/// near the ward, exact distances here, then tags and the recent measures
/// of those within reach in three batched statements.
async fn rank(
    cx: &Context<'_>,
    ward: &area::Model,
    wants: &Wants,
) -> AppResult<(Ranking, HashMap<i64, i64>)> {
    let (Some(lat), Some(lon)) = (ward.latitude, ward.longitude) else {
        return Err(AppError::bad_input(
            "residenceWardId",
            format!(
                "{} has no recorded centroid, so distances cannot be measured",
                ward.name
            ),
        ));
    };
    let home = Point { lat, lon };
    let (lo, hi) = matching::bounding_box(home, wants.max_distance_km + WARD_REACH_KM);
    let store = cx.store;
    let mut near: Vec<(candidates::CandidateRow, f64)> =
        candidates::candidates(store, &wants.needs, lo, hi)
            .await?
            .into_iter()
            .map(|c| {
                let d = matching::haversine_km(
                    home,
                    Point {
                        lat: c.latitude,
                        lon: c.longitude,
                    },
                );
                (c, d)
            })
            .filter(|(_, d)| *d <= wants.max_distance_km)
            .collect();
    near.sort_by_key(|(c, _)| c.service_id);
    let ids: Vec<i64> = near.iter().map(|(c, _)| c.service_id).collect();
    if ids.is_empty() {
        return Ok((matching::rank(wants, Vec::new()), HashMap::new()));
    }
    let needs = services::needs_of(store, &ids).await?;
    let caps = services::capabilities_of(store, &ids).await?;
    let today = cx.today;
    let recent = Window::parse(
        today - Duration::days(RECENT_DAYS - 1),
        today + Duration::days(1),
    )?;
    let waits = Window::parse(
        today - Duration::days(WAIT_DAYS - 1),
        today + Duration::days(1),
    )?;
    let stale_after = cx.stale_after_days;
    let rows = metrics::overview(
        store,
        &OverviewQuery {
            windows: vec![recent, waits],
            area_id: None,
            need: None,
            gateway_id: None,
            group_by: GroupBy::Service,
            services: Some(ids.clone()),
            today,
            stale_before: Utc::now() - Duration::days(stale_after),
            keyed: None,
            reads: Reads::All,
        },
    )
    .await?;
    let mut measured: HashMap<(i64, i64), metrics::OverviewRow> = HashMap::new();
    for r in rows {
        if let Ok(id) = r.key.parse::<i64>() {
            measured.insert((r.bucket, id), r);
        }
    }
    let now = Utc::now();
    let list = near
        .into_iter()
        .map(|(c, distance_km)| {
            let row = measured.get(&(0, c.service_id));
            let m = row.map(|r| Measures::of(&r.sums(), &recent));
            let headroom = m.and_then(|m| m.free_places());
            Candidate {
                service_id: c.service_id,
                distance_km,
                needs: needs
                    .get(&c.service_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| Need::parse(n))
                    .collect(),
                capabilities: caps
                    .get(&c.service_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| {
                        let kind = CapabilityKind::parse(&r.kind)?;
                        Some(Capability {
                            kind,
                            code: r.code.clone(),
                        })
                    })
                    .collect(),
                ages: AgeRange {
                    min: c.min_age,
                    max: c.max_age,
                },
                status: row
                    .and_then(|r| r.status.as_deref())
                    .and_then(status::ServiceStatus::parse),
                staleness: row
                    .and_then(|r| r.oldest_confirmation)
                    .map(|at| staleness(at, now, stale_after)),
                headroom,
                utilisation: headroom.and(m.and_then(|m| m.utilisation.ratio())),
            }
        })
        .collect();
    let waits = measured
        .iter()
        .filter(|((bucket, _), _)| *bucket == 1)
        .filter_map(|((_, id), r)| Some((*id, r.wait_median?)))
        .collect();
    Ok((matching::rank(wants, list), waits))
}
