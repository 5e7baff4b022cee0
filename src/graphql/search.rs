//! Service search for link workers: `findServices` ranks the services near
//! a person that fit them and have room, explaining each; when nothing
//! fits it says why, and `recordNoFit` puts that on the unmet-needs
//! register in one step.

use std::collections::HashMap;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{Duration, Utc};

use super::context::ContextExt;
use super::cost;
use super::enums::{stored, AgeBand, NeedCode, ServiceStatus};
use super::ids::decode_as;
use super::inputs::{self, CapabilityInput};
use super::loaders::ServiceId;
use super::types::service::{Capability, Service};
use super::types::unmet_need::UnmetNeed;
use crate::domain::age::AgeRange;
use crate::domain::bounds::{self, Text};
use crate::domain::capability::{Capability as DomainCapability, CapabilityKind};
use crate::domain::codes::{self, Role};
use crate::domain::language::LanguageCode;
use crate::domain::matching::{self, Candidate, NoFit, Point, Ranking, Wants};
use crate::domain::metrics::overview::Measures;
use crate::domain::metrics::Window;
use crate::domain::status::{self as status, staleness};
use crate::domain::text;
use crate::error::AppError;
use crate::store::entity::area;
use crate::store::metrics::{self as metrics, GroupBy, OverviewQuery};
use crate::store::{areas, matching as candidates, services, unmet_needs};

/// How far a venue may sit from its ward's centroid: the box of wards
/// searched is widened by this, then every venue is measured exactly.
const WARD_REACH_KM: f64 = 5.0;
/// Headroom and utilisation are read over the last four weeks, the
/// typical wait over the last twelve.
const RECENT_DAYS: i64 = 28;
const WAIT_DAYS: i64 = 84;

/// Who the person is and what they need.
#[derive(InputObject)]
pub struct FindServicesInput {
    /// At least one.
    pub needs: Vec<NeedCode>,
    pub residence_ward_id: ID,
    /// The person's language (ISO 639). Anything but English is required:
    /// services are taken to run in English unless they say otherwise.
    pub language: Option<String>,
    #[graphql(default)]
    pub required_capabilities: Vec<CapabilityInput>,
    #[graphql(default)]
    pub preferred_capabilities: Vec<CapabilityInput>,
    pub age_band: Option<AgeBand>,
    #[graphql(default = 5.0)]
    pub max_distance_km: f64,
    /// Also list services that fit but have no room now, after the rest.
    #[graphql(default)]
    pub include_full: bool,
}

/// A service that fits, and why.
#[derive(SimpleObject)]
pub struct ServiceMatch {
    pub service: Service,
    /// 0 to 1, higher is better: fit (needs met, preferred capabilities)
    /// 0.4, room 0.3, nearness 0.2, freshness of the status 0.1.
    pub score: f64,
    /// From the person's ward centroid to the venue.
    pub distance_km: f64,
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub needs_met: Vec<NeedCode>,
    /// Required and preferred capabilities it offers.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub capabilities_matched: Vec<Capability>,
    /// Preferred capabilities it lacks (a match never lacks a required one).
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub capabilities_missing: Vec<Capability>,
    pub has_room: bool,
    /// Places (or caseload places) per week free over the last four weeks.
    pub headroom: Option<f64>,
    /// Over the last four weeks; above 1 is over capacity.
    pub utilisation: Option<f64>,
    /// Median days from acceptance to start, over the last twelve weeks.
    pub typical_wait_days: Option<i64>,
    pub status: Option<ServiceStatus>,
    /// Days since the provider last confirmed the status.
    pub days_since_confirmed: Option<i64>,
    pub stale: bool,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum NoFitReason {
    /// No service addresses the needs within the distance.
    NoServiceNearby,
    /// Services nearby address the needs but lack a required capability.
    LacksCapability,
    /// Services nearby fit but none takes the person's age.
    NotForTheirAge,
    /// Services fit but none has room now.
    AllFull,
}

impl NoFitReason {
    fn code(self) -> &'static str {
        match self {
            NoFitReason::NoServiceNearby => "no_service_nearby",
            NoFitReason::LacksCapability => "lacks_capability",
            NoFitReason::NotForTheirAge => "not_for_their_age",
            NoFitReason::AllFull => "all_full",
        }
    }
}

#[derive(SimpleObject)]
pub struct CapabilityShortfall {
    pub capability: Capability,
    /// Services nearby addressing the needs that lack it.
    pub services_lacking: i64,
}

/// Why no service fits.
#[derive(SimpleObject)]
pub struct NothingFits {
    pub reason: NoFitReason,
    /// For LACKS_CAPABILITY: the required capabilities nearby services
    /// lack, most often lacking first.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    pub missing_capabilities: Vec<CapabilityShortfall>,
    pub explanation: String,
}

#[derive(SimpleObject)]
pub struct ServiceSearch {
    /// At most `first`: `findServices` counts `first` × a match.
    #[graphql(complexity = "child_complexity")]
    pub matches: Vec<ServiceMatch>,
    /// Services within the distance addressing at least one need.
    pub nearby: i64,
    /// Of those, the ones meeting every requirement.
    pub eligible: i64,
    /// Of those, the ones with room now.
    pub with_room: i64,
    /// Null when something fits and has room.
    pub nothing_fits: Option<NothingFits>,
}

/// A parsed search.
struct Search {
    ward: area::Model,
    wants: Wants,
}

fn parse(ctx: &Context<'_>, input: &FindServicesInput) -> Result<(i64, Wants), AppError> {
    let needs = inputs::need_codes("needs", &input.needs, "name at least one need")?;
    let parse_list =
        |field: &str, list: &[CapabilityInput]| -> Result<Vec<DomainCapability>, AppError> {
            list.iter()
                .enumerate()
                .map(|(i, c)| c.capability(&format!("{field}[{i}].code")))
                .collect()
        };
    let mut required = parse_list("requiredCapabilities", &input.required_capabilities)?;
    if let Some(l) = &input.language {
        let code = LanguageCode::parse("language", l)?;
        if code.as_str() != "en" {
            required.push(DomainCapability::parse(
                "language",
                CapabilityKind::Language,
                code.as_str(),
            )?);
        }
    }
    required.sort();
    required.dedup();
    let mut preferred = parse_list("preferredCapabilities", &input.preferred_capabilities)?;
    preferred.retain(|p| !required.contains(p));
    bounds::search_distance("maxDistanceKm", input.max_distance_km)?;
    let ward_id = decode_as("residenceWardId", "Area", &input.residence_ward_id)?;
    Ok((
        ward_id,
        Wants {
            needs,
            required,
            preferred,
            age_band: input.age_band.map(Into::into),
            max_distance_km: input.max_distance_km,
            include_full: input.include_full,
            stale_after_days: ctx.settings().stale_after_days,
        },
    ))
}

async fn prepare(ctx: &Context<'_>, input: &FindServicesInput) -> Result<Search, AppError> {
    let (ward_id, wants) = parse(ctx, input)?;
    let ward = areas::require_ward(&*ctx.store().lane().await?, "residenceWardId", ward_id).await?;
    Ok(Search { ward, wants })
}

/// Finds the candidates and ranks them: one indexed query for the services
/// near the ward, exact distances here, then tags and the recent measures
/// of those within reach in three batched statements.
async fn run(ctx: &Context<'_>, search: &Search) -> Result<(Ranking, HashMap<i64, i64>), AppError> {
    let (Some(lat), Some(lon)) = (search.ward.latitude, search.ward.longitude) else {
        return Err(AppError::bad_input(
            "residenceWardId",
            format!(
                "{} has no recorded centroid, so distances cannot be measured",
                search.ward.name
            ),
        ));
    };
    let home = Point { lat, lon };
    let wants = &search.wants;
    let (lo, hi) = matching::bounding_box(home, wants.max_distance_km + WARD_REACH_KM);
    let store = ctx.store();
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
    let today = ctx.today();
    let recent = Window::parse(
        today - Duration::days(RECENT_DAYS - 1),
        today + Duration::days(1),
    )?;
    let waits = Window::parse(
        today - Duration::days(WAIT_DAYS - 1),
        today + Duration::days(1),
    )?;
    let stale_after = ctx.settings().stale_after_days;
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
                needs: needs.get(&c.service_id).cloned().unwrap_or_default(),
                capabilities: caps
                    .get(&c.service_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| {
                        let kind = CapabilityKind::parse(&r.kind)?;
                        Some(DomainCapability {
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

fn capability(c: &DomainCapability) -> Result<Capability> {
    Capability::from_codes(c.kind.as_str(), &c.code)
}

fn need_codes(needs: &[String]) -> Result<Vec<NeedCode>> {
    needs
        .iter()
        .map(|n| Ok(stored(codes::Need::parse, n)?.into()))
        .collect()
}

fn explain(no_fit: &NoFit, wants: &Wants) -> Result<NothingFits> {
    let km = wants.max_distance_km;
    Ok(match no_fit {
        NoFit::NoServiceNearby => NothingFits {
            reason: NoFitReason::NoServiceNearby,
            missing_capabilities: Vec::new(),
            explanation: format!("no service within {km} km addresses these needs"),
        },
        NoFit::LacksCapability(lacking) => {
            let missing = lacking
                .iter()
                .map(|(c, n)| {
                    Ok(CapabilityShortfall {
                        capability: capability(c)?,
                        services_lacking: *n as i64,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let labels: Vec<String> = lacking.iter().map(|(c, _)| c.label()).collect();
            NothingFits {
                reason: NoFitReason::LacksCapability,
                missing_capabilities: missing,
                explanation: format!(
                    "services within {km} km address these needs, but none offers {}",
                    labels.join(" and ")
                ),
            }
        }
        NoFit::NotForTheirAge => NothingFits {
            reason: NoFitReason::NotForTheirAge,
            missing_capabilities: Vec::new(),
            explanation: format!("services within {km} km fit, but none takes this age band"),
        },
        NoFit::AllFull => NothingFits {
            reason: NoFitReason::AllFull,
            missing_capabilities: Vec::new(),
            explanation: format!("services within {km} km fit, but none has room now"),
        },
    })
}

fn reason_of(no_fit: &NoFit) -> NoFitReason {
    match no_fit {
        NoFit::NoServiceNearby => NoFitReason::NoServiceNearby,
        NoFit::LacksCapability(_) => NoFitReason::LacksCapability,
        NoFit::NotForTheirAge => NoFitReason::NotForTheirAge,
        NoFit::AllFull => NoFitReason::AllFull,
    }
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Services near the person's ward that address their needs, offer
    /// every required capability, take their age and have room, best
    /// first; each explains itself. When none fits, `nothingFits` says why.
    #[graphql(complexity = "cost::search(first, child_complexity)")]
    async fn find_services(
        &self,
        ctx: &Context<'_>,
        input: FindServicesInput,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> Result<ServiceSearch> {
        let search = prepare(ctx, &input).await?;
        let (ranking, waits) = run(ctx, &search).await?;
        let fits: Vec<_> = ranking.fits.into_iter().take(first as usize).collect();
        let mut rows = ctx
            .loader()
            .load_many(fits.iter().map(|(c, _)| ServiceId(c.service_id)))
            .await?;
        let mut matches = Vec::new();
        for (c, fit) in fits {
            let Some(service) = rows.remove(&ServiceId(c.service_id)) else {
                continue;
            };
            matches.push(ServiceMatch {
                service: Service(service),
                score: fit.score,
                distance_km: (c.distance_km * 100.0).round() / 100.0,
                needs_met: need_codes(&fit.needs_met)?,
                capabilities_matched: fit.matched.iter().map(capability).collect::<Result<_>>()?,
                capabilities_missing: fit
                    .missing_preferred
                    .iter()
                    .map(capability)
                    .collect::<Result<_>>()?,
                has_room: fit.has_room,
                headroom: c.headroom,
                utilisation: c.utilisation,
                typical_wait_days: waits.get(&c.service_id).copied(),
                status: c.status.map(Into::into),
                days_since_confirmed: c.staleness.map(|s| s.days_since_confirmed),
                stale: c.staleness.is_none_or(|s| s.stale),
            });
        }
        Ok(ServiceSearch {
            matches,
            nearby: ranking.nearby as i64,
            eligible: ranking.eligible as i64,
            with_room: ranking.with_room as i64,
            nothing_fits: ranking
                .no_fit
                .as_ref()
                .map(|n| explain(n, &search.wants))
                .transpose()?,
        })
    }
}

#[derive(InputObject)]
pub struct RecordNoFitInput {
    /// The same search that found nothing.
    pub search: FindServicesInput,
    pub note: Option<String>,
}

#[derive(SimpleObject)]
pub struct NoFitRecorded {
    pub reason: NoFitReason,
    /// The register entries the report was recorded against, one per need:
    /// an open entry that matched, or a new one for commissioners to rate.
    #[graphql(complexity = "cost::list(cost::estimate::PER_NEED, child_complexity)")]
    pub entries: Vec<UnmetNeed>,
}

#[derive(Default)]
pub struct SearchMutations;

#[Object]
impl SearchMutations {
    /// Records that a search found nothing that fits, as evidence on the
    /// unmet-needs register: for each need, on the open entry for that
    /// need (and missing capability) in the ward, its local authority or
    /// its ICB, or on a new entry in the local authority. The search is run
    /// again here; if something fits, nothing is recorded (CONFLICT).
    async fn record_no_fit(
        &self,
        ctx: &Context<'_>,
        input: RecordNoFitInput,
    ) -> Result<NoFitRecorded> {
        let p = ctx
            .require(
                &[Role::LinkWorker, Role::Admin],
                "recording that nothing fits",
            )?
            .clone();
        let note = text::optional("note", input.note.as_deref(), Text::Note)?;
        let search = prepare(ctx, &input.search).await?;
        let (ranking, _) = run(ctx, &search).await?;
        let Some(no_fit) = ranking.no_fit else {
            return Err(AppError::Conflict(format!(
                "{} services fit and have room; nothing to record",
                ranking.with_room
            ))
            .into());
        };
        let reason = reason_of(&no_fit);
        let missing = match &no_fit {
            NoFit::LacksCapability(l) => l
                .first()
                .map(|(c, _)| (c.kind.as_str().to_owned(), c.code.clone())),
            _ => None,
        };
        let store = ctx.store();
        let la = match search.ward.parent_id {
            Some(id) => Some(areas::require_area(&*store.lane().await?, id).await?),
            None => None,
        };
        let explanation = explain(&no_fit, &search.wants)?.explanation;
        let mut reports = Vec::new();
        for need in &search.wants.needs {
            let entry = unmet_needs::matching_entry(
                store,
                &search.ward,
                la.as_ref(),
                need,
                missing.as_ref(),
            )
            .await?;
            reports.push((
                entry,
                unmet_needs::NoFitReport {
                    need_code: need.clone(),
                    capability: missing.clone(),
                    reason: reason.code().to_owned(),
                    note: note.clone(),
                    gateway_id: p.gateway_id,
                    recorded_by: Some(p.key_id),
                    new_entry: unmet_needs::UnmetNeedFields {
                        need_code: need.clone(),
                        capability: missing.clone(),
                        evidence: format!(
                            "Raised by a link worker's search from {}: {explanation}.",
                            search.ward.name
                        ),
                        // Middle ratings until a commissioner reviews it.
                        likelihood: 3,
                        impact: 3,
                        action: None,
                        owner: None,
                        review_date: Some(ctx.today() + Duration::days(30)),
                        status: codes::UnmetNeedStatus::Open.as_str().to_owned(),
                    },
                },
            ));
        }
        let area = la.as_ref().map_or(search.ward.id, |l| l.id);
        let entries = unmet_needs::record_no_fit(store, search.ward.id, area, reports).await?;
        Ok(NoFitRecorded {
            reason,
            entries: entries.into_iter().map(UnmetNeed).collect(),
        })
    }
}
