//! Running a scenario: read the baseline (the commissioner's measures from
//! the overview statement, the history of referrals, episodes and
//! drop-outs, the services within reach), turn each change into streams,
//! rate changes and cuts, route the streams, run the model off the async
//! runtime, and store the run with every figure it took as given.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};

use super::scenarios::require_planner;
use super::Context;
use crate::domain::age::AgeRange;
use crate::domain::capability::{Capability, CapabilityKind};
use crate::domain::codes::{GatewayKind, Need};
use crate::domain::matching::{self, Candidate, Point, Wants};
use crate::domain::metrics::overview::Measures;
use crate::domain::metrics::Window;
use crate::domain::parallel::map_chunks;
use crate::domain::scenario::change::{ChangeKind, Definition, Place};
use crate::domain::scenario::demand::{self, Profile, Stream};
use crate::domain::scenario::engine::{self, Cut, Outcome, Plan, RateChange, ServiceInput};
use crate::domain::scenario::funding::Goal;
use crate::domain::scenario::projection::ServiceModel;
use crate::domain::scenario::routing::{self, Destination, Routed, RoutingRules};
use crate::domain::scenario::template::WEEKS_PER_YEAR;
use crate::domain::scenario::Assumption;
use crate::domain::status::ServiceStatus;
use crate::error::{AppError, AppResult};
use crate::store::entity::{scenario, scenario_run};
use crate::store::metrics::{self as metrics, GroupBy, OverviewQuery, Reads};
use crate::store::scenario_history::{self as history, Placement};
use crate::store::scenarios::{self as store, RunRecord, RunService};
use crate::store::{matching as candidates, services};

/// Referrals received from a place below which its own onward rate and
/// mix are not trusted; its local authority's (then England's) are used.
const MIN_PROFILE_REFERRALS: f64 = 30.0;
/// The length of an episode where a caseload service has no ended
/// episode in the baseline to measure.
const DEFAULT_EPISODE_WEEKS: f64 = 12.0;

/// Everything a run reads and decides before the model runs.
pub struct Prepared {
    pub plan: Plan,
    pub assumptions: Vec<Assumption>,
    /// Where each service of the plan is, by plan service id.
    pub placements: HashMap<i64, Placed>,
    pub staff_cost_pence: i64,
    pub new_funding_pence: i64,
}

/// Where a service of the run is, what it addresses, and its name when
/// the scenario adds it.
#[derive(Debug, Clone)]
pub struct Placed {
    pub organisation_id: i64,
    pub ward_id: Option<i64>,
    pub needs: Vec<Need>,
    pub new_service: Option<String>,
}

/// Runs scenario `id` and stores the run.
pub async fn run(cx: &Context<'_>, id: i64) -> AppResult<scenario_run::Model> {
    require_planner(cx.principal, "running a scenario")?;
    let scenario = store::require(cx.store, id).await?;
    if scenario.archived_at.is_some() {
        return Err(AppError::Conflict(
            "the scenario is archived; copy it to run it again".into(),
        ));
    }
    let started = Instant::now();
    let definition = store::definition(&scenario.definition)?;
    let baseline = Window::parse(scenario.baseline_from, scenario.baseline_to)?;
    let prepared = prepare(cx, &definition, &baseline).await?;
    let read_ms = started.elapsed().as_millis();
    let outcome = model(prepared.plan.clone()).await?;
    let model_ms = started.elapsed().as_millis() - read_ms;
    let data_as_of = history::last_day(cx.store).await?;
    let run = record(
        cx,
        &scenario,
        &definition,
        &baseline,
        &prepared,
        &outcome,
        data_as_of,
        started,
    )
    .await?;
    tracing::info!(
        scenario = id,
        run = run.id,
        services = outcome.services.len(),
        streams = prepared.plan.streams.len(),
        read_ms,
        model_ms,
        store_ms = started.elapsed().as_millis() - read_ms - model_ms,
        "scenario run"
    );
    Ok(run)
}

/// One model at a time in this process: a run draws on every core, so
/// two at once would only slow each other and every other request.
static MODEL: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Runs the model on a blocking thread (it is arithmetic only, and a large
/// run should not hold up the requests sharing the runtime), one run at a
/// time; a run waiting its turn is stopped by its request's timeout.
pub async fn model(plan: Plan) -> AppResult<Outcome> {
    let _turn = MODEL
        .acquire()
        .await
        .map_err(|_| AppError::Internal("the scenario model was closed".into()))?;
    tokio::task::spawn_blocking(move || engine::run(&plan))
        .await
        .map_err(|e| AppError::Internal(format!("a scenario run stopped: {e}")))
}

#[allow(clippy::too_many_arguments)]
async fn record(
    cx: &Context<'_>,
    scenario: &scenario::Model,
    definition: &Definition,
    baseline: &Window,
    prepared: &Prepared,
    outcome: &Outcome,
    data_as_of: Option<chrono::NaiveDate>,
    started: Instant,
) -> AppResult<scenario_run::Model> {
    // The services the changes touch first; of those, the ones they tip
    // over capacity, earliest first; then the largest rise in load: the
    // first page is the one a commissioner needs.
    let mut order: Vec<&engine::ServiceOutcome> = outcome.services.iter().collect();
    let peak = |p: &crate::domain::scenario::projection::Projection| {
        p.weeks
            .iter()
            .filter_map(|w| w.utilisation)
            .fold(0.0, f64::max)
    };
    order.sort_by(|a, b| {
        let tipped = |s: &engine::ServiceOutcome| {
            s.before.first_week_over.is_none() && s.after.first_week_over.is_some()
        };
        let rise = |s: &engine::ServiceOutcome| peak(&s.after) - peak(&s.before);
        b.changed()
            .cmp(&a.changed())
            .then(tipped(b).cmp(&tipped(a)))
            .then(if tipped(a) && tipped(b) {
                a.after.first_week_over.cmp(&b.after.first_week_over)
            } else {
                std::cmp::Ordering::Equal
            })
            .then(rise(b).total_cmp(&rise(a)))
            .then(a.id.cmp(&b.id))
    });
    // The demand nothing absorbs, the most first.
    let mut unabsorbed: Vec<engine::UnabsorbedFlow> = outcome.unabsorbed.clone();
    let total = |f: &engine::UnabsorbedFlow| f.per_week.iter().sum::<f64>();
    unabsorbed.sort_by(|a, b| {
        total(b)
            .total_cmp(&total(a))
            .then(a.ward_id.cmp(&b.ward_id))
    });
    let services = order
        .into_iter()
        .filter_map(|o| {
            let placed = prepared.placements.get(&o.id)?;
            Some(RunService {
                outcome: o,
                service_id: placed.new_service.is_none().then_some(o.id),
                new_service: placed.new_service.clone(),
                organisation_id: placed.organisation_id,
                ward_id: placed.ward_id,
                needs: placed.needs.clone(),
            })
        })
        .collect();
    store::record_run(
        cx.store,
        RunRecord {
            scenario_id: scenario.id,
            ran_by: cx.principal.key_id,
            ran_at: Utc::now(),
            data_as_of,
            baseline,
            definition,
            assumptions: &prepared.assumptions,
            ledger: &outcome.ledger,
            services,
            unabsorbed: &unabsorbed,
            staff_cost_pence: prepared.staff_cost_pence,
            new_funding_pence: prepared.new_funding_pence,
            elapsed_ms: started.elapsed().as_millis() as i64,
        },
    )
    .await
}

/// A change turned into what the model takes.
#[derive(Default)]
struct Parts {
    streams: Vec<Stream>,
    rate_changes: Vec<(i64, usize, f64, f64)>,
    cuts: Vec<Cut>,
    new_services: Vec<(usize, i64)>,
    services: BTreeSet<i64>,
    wards: BTreeSet<i64>,
}

/// Reads the baseline and builds the plan.
pub async fn prepare(cx: &Context<'_>, d: &Definition, baseline: &Window) -> AppResult<Prepared> {
    let mut assumptions = settings_assumed(d, baseline);
    let mut parts = Parts::default();
    let mut staff_cost = 0.0_f64;
    let mut new_funding = 0_i64;
    let weeks = d.horizon.weeks();
    let active_weeks =
        |i: usize| -> f64 { (0..weeks).map(|w| d.changes[i].schedule.factor(w)).sum() };
    let mut funding_awards: Vec<(usize, i64, i64)> = Vec::new();
    let clock = Instant::now();
    let lap = |what: &str| tracing::debug!(what, ms = clock.elapsed().as_millis(), "scenario read");

    // Every place the changes name, and for gateway staff the wards of its
    // local authorities (a place with too little history follows its
    // authority's): the history of all of them is read at once.
    let mut place_wards: Vec<Vec<i64>> = vec![Vec::new(); d.changes.len()];
    let mut authority_wards: Vec<Vec<i64>> = vec![Vec::new(); d.changes.len()];
    let named: Vec<(usize, String, Place)> = d
        .changes
        .iter()
        .enumerate()
        .filter_map(|(i, change)| match &change.what {
            ChangeKind::ExtraDemand { place, .. } | ChangeKind::GatewayStaff { place, .. } => {
                Some((
                    i,
                    format!("changes.{i}.{}.place", change.what.field()),
                    *place,
                ))
            }
            _ => None,
        })
        .collect();
    let places: Vec<(String, Place)> = named.iter().map(|(_, f, p)| (f.clone(), *p)).collect();
    for ((i, _, _), wards) in named
        .iter()
        .zip(history::wards_of_places(cx.store, &places).await?)
    {
        place_wards[*i] = wards;
    }
    let mut read: BTreeSet<i64> = place_wards.iter().flatten().copied().collect();
    let staff: Vec<usize> = named
        .iter()
        .filter(|(i, _, _)| matches!(d.changes[*i].what, ChangeKind::GatewayStaff { .. }))
        .map(|(i, _, _)| *i)
        .collect();
    if !staff.is_empty() {
        let staff_wards: Vec<i64> = staff
            .iter()
            .flat_map(|i| place_wards[*i].iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let in_authority = history::authority_wards(cx.store, &staff_wards).await?;
        let authority_of: HashMap<i64, i64> = in_authority.iter().copied().collect();
        for &i in &staff {
            let authorities: BTreeSet<i64> = place_wards[i]
                .iter()
                .filter_map(|w| authority_of.get(w))
                .copied()
                .collect();
            authority_wards[i] = in_authority
                .iter()
                .filter(|(_, la)| authorities.contains(la))
                .map(|(w, _)| *w)
                .collect();
            read.extend(&authority_wards[i]);
        }
    }
    let read: Vec<i64> = read.into_iter().collect();
    let ward_history = history::ward_history(cx.store, baseline, Some(&read)).await?;
    lap("history");

    for (i, change) in d.changes.iter().enumerate() {
        let field = format!("changes.{i}.{}", change.what.field());
        match &change.what {
            ChangeKind::ExtraDemand {
                need,
                per_week,
                mix,
                ..
            } => {
                let wards = &place_wards[i];
                let profile = ward_history.profile(Some(wards), None);
                parts.streams.extend(demand::extra_demand(
                    i, *need, *per_week, mix, wards, &profile,
                ));
                parts.wards.extend(wards);
            }
            ChangeKind::GatewayStaff {
                template,
                staff,
                cost_per_year,
                onward_rate,
                ..
            } => {
                let wards = &place_wards[i];
                let kind = template.kind();
                let own = ward_history.profile(Some(wards), Some(kind));
                let authority = ward_history.profile(Some(&authority_wards[i]), Some(kind));
                let (from, source) =
                    profile_to_follow(cx, baseline, kind, own.clone(), authority, &field).await?;
                let (onward, onward_source) = match onward_rate {
                    Some(r) => (*r, "stated in the scenario".to_owned()),
                    None => (
                        from.onward_rate().unwrap_or(0.0),
                        format!(
                            "referrals from {kind} gateways {source} in the baseline: {} of {} went on to a community service",
                            from.onward, from.received
                        ),
                    ),
                };
                assumptions.push(Assumption::new(
                    format!("{field}: onward referral rate"),
                    onward,
                    "share of people seen",
                    onward_source,
                ));
                assumptions.push(template_assumption(&field, template));
                let per_week = template.people_per_week() * staff;
                parts.streams.extend(demand::gateway_staff(
                    i, per_week, onward, wards, &own, &from,
                ));
                parts.wards.extend(wards);
                let (cost, cost_source) = match (cost_per_year, template.default_cost_per_year()) {
                    (Some(c), _) => (Some(*c), "stated in the scenario".to_owned()),
                    (None, Some((c, source))) => (Some(c), source.to_owned()),
                    (None, None) => {
                        // Shown, so that a staff cost of £0 is read as
                        // unknown rather than free.
                        assumptions.push(Assumption::new(
                            format!("{field}: cost of one member of staff a year"),
                            0.0,
                            "£",
                            "not counted: no published figure exists for this kind of staff and the scenario states none (costPerYear)",
                        ));
                        (None, String::new())
                    }
                };
                if let Some(c) = cost {
                    assumptions.push(Assumption::new(
                        format!("{field}: cost of one member of staff a year"),
                        c.get() as f64 / 100.0,
                        "£",
                        cost_source,
                    ));
                    staff_cost += staff * c.get() as f64 * active_weeks(i) / WEEKS_PER_YEAR;
                }
            }
            ChangeKind::Capacity {
                service_id,
                places_per_week,
                caseload,
            } => {
                parts
                    .rate_changes
                    .push((*service_id, i, *places_per_week, *caseload));
                parts.services.insert(*service_id);
            }
            ChangeKind::NewService(new) => {
                let id = -(i as i64) - 1;
                parts.new_services.push((i, id));
                parts.wards.insert(new.ward_id);
            }
            ChangeKind::Funding {
                service_id, amount, ..
            } => {
                new_funding += amount.get();
                if let Some(s) = service_id {
                    funding_awards.push((i, *s, amount.get()));
                    parts.services.insert(*s);
                }
            }
            ChangeKind::GatewayReduced { gateway_id, share } => {
                let rows = metrics::overview(
                    cx.store,
                    &OverviewQuery {
                        gateway_id: Some(*gateway_id),
                        ..by_service(cx, vec![*baseline])
                    },
                )
                .await?;
                for r in rows {
                    let Ok(service_id) = r.key.parse::<i64>() else {
                        continue;
                    };
                    let demand = Measures::of(&r.sums(), baseline).demand;
                    if demand > 0.0 {
                        parts.cuts.push(Cut {
                            service_id,
                            change: i,
                            per_week: demand * share,
                        });
                        parts.services.insert(service_id);
                    }
                }
            }
        }
    }
    lap("changes");
    if let Some(area) = d.area {
        let wards = history::wards_of(cx.store, "area", area).await?;
        parts
            .services
            .extend(services_in_wards(cx, baseline, &wards).await?);
    }

    // The services any stream could reach, measured from each ward.
    let stream_wards: Vec<i64> = parts
        .streams
        .iter()
        .map(|s| s.ward_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut all_wards: Vec<i64> = parts.wards.iter().copied().collect();
    all_wards.extend(&stream_wards);
    all_wards.sort_unstable();
    all_wards.dedup();
    let centroids: HashMap<i64, Point> = history::centroids(cx.store, &all_wards).await?;
    lap("centroids");
    let needs: Vec<Need> = parts
        .streams
        .iter()
        .map(|s| s.need)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let reachable = reachable(cx, &stream_wards, &centroids, &needs, d.max_distance_km).await?;
    parts.services.extend(reachable.iter().copied());

    lap("reachable");
    let ids: Vec<i64> = parts.services.iter().copied().collect();
    let (baseline_of, routing_history) = tokio::try_join!(
        baseline_services(cx, baseline, &ids),
        history::routing_history(cx.store, baseline, &stream_wards),
    )?;
    lap("baseline services and routing history");
    let mut default_episodes = 0;
    let mut services_in: Vec<ServiceInput> =
        Vec::with_capacity(ids.len() + parts.new_services.len());
    let mut placements: HashMap<i64, Placed> = HashMap::new();
    let mut episode_weeks: HashMap<i64, f64> = HashMap::new();
    for b in &baseline_of {
        if b.episode_weeks.is_none() && b.caseload_capacity > 0.0 {
            default_episodes += 1;
        }
        episode_weeks.insert(
            b.placement.service_id,
            b.episode_weeks.unwrap_or(DEFAULT_EPISODE_WEEKS),
        );
        services_in.push(ServiceInput {
            id: b.placement.service_id,
            baseline_arrivals: b.demand,
            model: b.model,
            unit_cost: b
                .placement
                .unit_cost_pence
                .map(crate::domain::money::Pence::from_pence),
            opened_by: None,
        });
        placements.insert(
            b.placement.service_id,
            Placed {
                organisation_id: b.placement.organisation_id,
                ward_id: b.placement.ward_id,
                needs: b.needs.clone(),
                new_service: None,
            },
        );
    }
    if default_episodes > 0 {
        assumptions.push(Assumption::new(
            format!("episode length of {default_episodes} caseload services with no ended episode in the baseline"),
            DEFAULT_EPISODE_WEEKS,
            "weeks",
            "assumed: the baseline has no ended episode to measure",
        ));
    }

    // New services: placed at their ward's centroid.
    let mut new_destinations: Vec<(i64, Point, Candidate, f64)> = Vec::new();
    for &(i, id) in &parts.new_services {
        let ChangeKind::NewService(new) = &d.changes[i].what else {
            continue;
        };
        let weeks_each = new.episode_weeks.unwrap_or(DEFAULT_EPISODE_WEEKS);
        if new.episode_weeks.is_none() && new.caseload > 0.0 {
            assumptions.push(Assumption::new(
                format!("changes.{i}.newService: episode length"),
                DEFAULT_EPISODE_WEEKS,
                "weeks",
                "assumed: the scenario states none for the new service's caseload",
            ));
        }
        let rate = new.places_per_week + new.caseload / weeks_each;
        services_in.push(ServiceInput {
            id,
            baseline_arrivals: 0.0,
            model: ServiceModel {
                service_rate: rate,
                dropout_rate: 0.0,
                waiting_at_start: 0.0,
            },
            unit_cost: new.unit_cost,
            opened_by: Some(i),
        });
        placements.insert(
            id,
            Placed {
                organisation_id: new.organisation_id,
                ward_id: Some(new.ward_id),
                needs: new.needs.clone(),
                new_service: Some(new.name.clone()),
            },
        );
        if let Some(at) = centroids.get(&new.ward_id) {
            new_destinations.push((
                id,
                *at,
                Candidate {
                    service_id: id,
                    distance_km: 0.0,
                    needs: new.needs.clone(),
                    capabilities: new.capabilities.clone(),
                    ages: AgeRange {
                        min: new.min_age,
                        max: new.max_age,
                    },
                    status: Some(ServiceStatus::Open),
                    staleness: None,
                    headroom: None,
                    utilisation: None,
                },
                rate,
            ));
        }
    }

    let rate_changes: Vec<RateChange> = parts
        .rate_changes
        .iter()
        .map(|&(service_id, change, places, caseload)| RateChange {
            service_id,
            change,
            per_week: places
                + caseload
                    / episode_weeks
                        .get(&service_id)
                        .copied()
                        .unwrap_or(DEFAULT_EPISODE_WEEKS),
        })
        .chain(
            funding_awards
                .iter()
                .filter_map(|&(change, service_id, amount)| {
                    let unit = services_in
                        .iter()
                        .find(|s| s.id == service_id)?
                        .unit_cost?
                        .get();
                    let weeks = active_weeks(change);
                    (unit > 0 && weeks > 0.0).then(|| RateChange {
                        service_id,
                        change,
                        per_week: amount as f64 / unit as f64 / weeks,
                    })
                }),
        )
        .collect();

    // Routing: each stream over the services within reach of its ward.
    let by_id: HashMap<i64, &BaselineService> = baseline_of
        .iter()
        .map(|b| (b.placement.service_id, b))
        .collect();
    let destinations_of = destinations(
        &stream_wards,
        &centroids,
        &reachable,
        &by_id,
        &new_destinations,
        d.max_distance_km,
    );
    lap("destinations");
    let streams = route_streams(
        parts.streams,
        destinations_of,
        routing_history,
        d.max_distance_km,
        cx.stale_after_days,
    )
    .await?;

    lap("routed");
    Ok(Prepared {
        plan: Plan {
            weeks,
            schedules: d.changes.iter().map(|c| c.schedule).collect(),
            services: services_in,
            rate_changes,
            cuts: parts.cuts,
            streams,
            spill_over_wait_days: d.spill_over_wait_days,
            replications: d.replications,
            seed: d.seed,
            goal: Goal {
                target_utilisation: d.target_utilisation,
                relief_weeks: d.relief_weeks,
                target_waiting: 0.0,
            },
        },
        assumptions,
        placements,
        staff_cost_pence: staff_cost.round_ties_even() as i64,
        new_funding_pence: new_funding,
    })
}

/// The services within `km` of each ward's centroid, with their
/// distances: those the baseline knows (`by_id`) and those a scenario
/// adds.
pub(super) fn destinations(
    wards: &[i64],
    centroids: &HashMap<i64, Point>,
    reachable: &[i64],
    by_id: &HashMap<i64, &BaselineService>,
    new: &[(i64, Point, Candidate, f64)],
    km: f64,
) -> HashMap<i64, Vec<Destination>> {
    // Each known service's place, looked up once rather than per ward.
    let placed: Vec<(&BaselineService, Point)> = reachable
        .iter()
        .filter_map(|id| by_id.get(id))
        .filter_map(|b| {
            let at = Point {
                lat: b.placement.latitude?,
                lon: b.placement.longitude?,
            };
            Some((*b, at))
        })
        .collect();
    let mut out = HashMap::new();
    for &ward in wards {
        let Some(home) = centroids.get(&ward) else {
            continue;
        };
        let reach = matching::Reach::new(*home, km);
        let mut list: Vec<Destination> = placed
            .iter()
            .filter_map(|(b, at)| {
                let distance_km = reach.distance_km(*at)?;
                Some(Destination {
                    candidate: Candidate {
                        distance_km,
                        ..b.candidate.clone()
                    },
                    capacity: b.model.service_rate,
                    is_new: false,
                })
            })
            .collect();
        for (_, at, candidate, rate) in new {
            if let Some(distance_km) = reach.distance_km(*at) {
                list.push(Destination {
                    candidate: Candidate {
                        distance_km,
                        ..candidate.clone()
                    },
                    capacity: *rate,
                    is_new: true,
                });
            }
        }
        out.insert(ward, list);
    }
    out
}

/// What streams alike in ward, need, age band and required capabilities
/// share: their route.
type Kind = (
    i64,
    Need,
    Option<crate::domain::codes::AgeBand>,
    Vec<Capability>,
);

/// Each stream with where it goes. Streams alike go alike, so each kind
/// is routed once, over the services near its ward that address its need;
/// the kinds are routed on every core, off the async runtime.
pub(super) async fn route_streams(
    streams: Vec<Stream>,
    destinations_of: HashMap<i64, Vec<Destination>>,
    history: history::RoutingHistory,
    max_distance_km: f64,
    stale_after_days: i64,
) -> AppResult<Vec<(Stream, Arc<Routed>)>> {
    tokio::task::spawn_blocking(move || {
        let mut kinds: Vec<Kind> = streams
            .iter()
            .map(|s| (s.ward_id, s.need, s.age_band, s.required.clone()))
            .collect();
        kinds.sort();
        kinds.dedup();
        let routed: HashMap<Kind, Arc<Routed>> = map_chunks(&kinds, |chunk| {
            route_kinds(
                chunk,
                &destinations_of,
                &history,
                max_distance_km,
                stale_after_days,
            )
        })
        .into_iter()
        .collect();
        streams
            .into_iter()
            .map(|s| {
                let kind: Kind = (s.ward_id, s.need, s.age_band, s.required.clone());
                let r = routed[&kind].clone();
                (s, r)
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("routing a scenario's streams stopped: {e}")))
}

fn route_kinds(
    kinds: &[Kind],
    destinations_of: &HashMap<i64, Vec<Destination>>,
    history: &history::RoutingHistory,
    max_distance_km: f64,
    stale_after_days: i64,
) -> Vec<(Kind, Arc<Routed>)> {
    let rules = RoutingRules::default();
    let empty = HashMap::new();
    let mut addressing: HashMap<(i64, Need), Vec<&Destination>> = HashMap::new();
    kinds
        .iter()
        .map(|kind| {
            let (ward, need, age_band, required) = kind;
            let near = addressing.entry((*ward, *need)).or_insert_with(|| {
                destinations_of
                    .get(ward)
                    .into_iter()
                    .flatten()
                    .filter(|d| d.candidate.needs.contains(need))
                    .collect()
            });
            let wants = Wants {
                needs: vec![*need],
                required: required.clone(),
                preferred: Vec::new(),
                age_band: *age_band,
                max_distance_km,
                include_full: true,
                stale_after_days,
            };
            let r = routing::route(
                &wants,
                near.iter().copied(),
                history.get(&(*ward, *need)).unwrap_or(&empty),
                &rules,
            );
            (kind.clone(), Arc::new(r))
        })
        .collect()
}

/// The profile whose onward rate and mix a gateway change follows: the
/// place's own where it has enough referrals of that kind, else its local
/// authority's, else England's.
async fn profile_to_follow(
    cx: &Context<'_>,
    baseline: &Window,
    kind: GatewayKind,
    own: Profile,
    authority: Profile,
    field: &str,
) -> AppResult<(Profile, &'static str)> {
    if own.received >= MIN_PROFILE_REFERRALS {
        return Ok((own, "in the place itself"));
    }
    if authority.received >= MIN_PROFILE_REFERRALS {
        return Ok((authority, "in its local authority (the place has too few)"));
    }
    let all = history::ward_history(cx.store, baseline, None)
        .await?
        .profile(None, Some(kind));
    if all.received > 0.0 {
        return Ok((
            all,
            "everywhere (the place and its local authority have too few)",
        ));
    }
    Err(AppError::bad_input(
        &format!("{field}.kind"),
        format!("the baseline holds no referrals from {kind} gateways to take an onward rate and mix from; add extra demand instead"),
    ))
}

fn template_assumption(
    field: &str,
    t: &crate::domain::scenario::template::StaffTemplate,
) -> Assumption {
    use crate::domain::scenario::template::{
        StaffTemplate::*, LINK_WORKER_PEOPLE_PER_YEAR, LINK_WORKER_PEOPLE_SOURCE,
    };
    match *t {
        LinkWorkers { people_per_year } => Assumption::new(
            format!("{field}: people a link worker supports a year"),
            people_per_year,
            "people a year",
            if people_per_year == LINK_WORKER_PEOPLE_PER_YEAR {
                LINK_WORKER_PEOPLE_SOURCE
            } else {
                "stated in the scenario"
            },
        ),
        LocalAreaCoordinators {
            people_at_a_time,
            support_weeks,
        } => Assumption::new(
            format!("{field}: new people a coordinator takes on a week ({people_at_a_time} at a time over {support_weeks} weeks)"),
            t.people_per_week(),
            "people a week",
            "stated in the scenario (no published figure exists)",
        ),
        CommunityHealthChampions { people_per_year } | HealthTrainers { people_per_year } => {
            Assumption::new(
                format!("{field}: people each reaches a year"),
                people_per_year,
                "people a year",
                "stated in the scenario (no published figure exists)",
            )
        }
    }
}

fn settings_assumed(d: &Definition, baseline: &Window) -> Vec<Assumption> {
    let rules = RoutingRules::default();
    vec![
        Assumption::new(
            format!("baseline {} to {}", baseline.from(), baseline.last_day()),
            baseline.weeks(),
            "weeks",
            "the capacity overview's measures over the baseline (DESIGN: demand, capacity, waiting list)",
        ),
        Assumption::new("target utilisation", d.target_utilisation, "share", "the scenario (85% unless stated)"),
        Assumption::new("relief weeks", f64::from(d.relief_weeks), "weeks", "the scenario (12 unless stated)"),
        Assumption::new("maximum distance", d.max_distance_km, "km", "the scenario (the search's 5 km unless stated)"),
        Assumption::new("replications", f64::from(d.replications), "runs", "the scenario (200 unless stated); Poisson arrivals"),
        Assumption::new("distance decay", rules.decay, "exponent", "Huff (1963): capacity ÷ distance²"),
        Assumption::new(
            "history a stream follows",
            rules.min_history,
            "referrals",
            "below this a ward's referrals for a need are too few to follow; capacity and distance share the stream",
        ),
        Assumption::new(
            "referrals for a place's own onward rate",
            MIN_PROFILE_REFERRALS,
            "referrals",
            "below this the local authority's (then England's) rate and mix are used",
        ),
    ]
}

/// The commissioner's overview by service over `windows`, as the
/// dashboards read it, for every service until narrowed.
pub(super) fn by_service(cx: &Context<'_>, windows: Vec<Window>) -> OverviewQuery {
    OverviewQuery {
        windows,
        area_id: None,
        need: None,
        gateway_id: None,
        group_by: GroupBy::Service,
        services: None,
        today: cx.today,
        stale_before: Utc::now() - Duration::days(cx.stale_after_days),
        keyed: None,
        reads: Reads::All,
    }
}

/// The services in `wards`, by the overview statement's own placing.
async fn services_in_wards(
    cx: &Context<'_>,
    baseline: &Window,
    wards: &[i64],
) -> AppResult<Vec<i64>> {
    let mut out = Vec::new();
    for &ward in wards {
        let rows = metrics::overview(
            cx.store,
            &OverviewQuery {
                area_id: Some(ward),
                ..by_service(cx, vec![*baseline])
            },
        )
        .await?;
        out.extend(rows.into_iter().filter_map(|r| r.key.parse::<i64>().ok()));
    }
    Ok(out)
}

/// Services within `km` of any of `wards` that address any of `needs`.
pub(super) async fn reachable(
    cx: &Context<'_>,
    wards: &[i64],
    centroids: &HashMap<i64, Point>,
    needs: &[Need],
    km: f64,
) -> AppResult<Vec<i64>> {
    let points: Vec<Point> = wards
        .iter()
        .filter_map(|w| centroids.get(w))
        .copied()
        .collect();
    if points.is_empty() || needs.is_empty() {
        return Ok(Vec::new());
    }
    let mut lo = Point {
        lat: f64::MAX,
        lon: f64::MAX,
    };
    let mut hi = Point {
        lat: f64::MIN,
        lon: f64::MIN,
    };
    for p in &points {
        let (a, b) = matching::bounding_box(*p, km);
        lo = Point {
            lat: lo.lat.min(a.lat),
            lon: lo.lon.min(a.lon),
        };
        hi = Point {
            lat: hi.lat.max(b.lat),
            lon: hi.lon.max(b.lon),
        };
    }
    let reaches: Vec<matching::Reach> = points
        .iter()
        .map(|p| matching::Reach::new(*p, km))
        .collect();
    let rows = candidates::candidates(cx.store, needs, lo, hi).await?;
    let mut ids: Vec<i64> = rows
        .into_iter()
        .filter(|c| {
            let at = Point {
                lat: c.latitude,
                lon: c.longitude,
            };
            reaches.iter().any(|r| r.distance_km(at).is_some())
        })
        .map(|c| c.service_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A service as the baseline shows it.
pub(super) struct BaselineService {
    pub(super) placement: Placement,
    pub(super) candidate: Candidate,
    pub(super) needs: Vec<Need>,
    pub(super) demand: f64,
    pub(super) caseload_capacity: f64,
    pub(super) episode_weeks: Option<f64>,
    pub(super) model: ServiceModel,
}

/// The baseline of `ids`: the overview's measures, episodes, drop-outs,
/// placings, needs and capabilities, each read once for all of them.
pub(super) async fn baseline_services(
    cx: &Context<'_>,
    baseline: &Window,
    ids: &[i64],
) -> AppResult<Vec<BaselineService>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The model reads capacity, load and the waiting list, never the
    // answers or waits.
    let query = OverviewQuery {
        services: Some(ids.to_vec()),
        reads: Reads::LoadAndList,
        ..by_service(cx, vec![*baseline])
    };
    // The overview is the long read; the rest run beside it, as many at
    // once as the request has lanes.
    let (rows, (episodes, needs, caps, placements)) =
        tokio::try_join!(metrics::overview(cx.store, &query), async {
            tokio::try_join!(
                history::episodes(cx.store, baseline, ids),
                services::needs_of(cx.store, ids),
                services::capabilities_of(cx.store, ids),
                history::placements(cx.store, ids),
            )
        })?;
    let measured: HashMap<i64, metrics::OverviewRow> = rows
        .into_iter()
        .filter_map(|r| Some((r.key.parse::<i64>().ok()?, r)))
        .collect();
    let mut out = Vec::with_capacity(placements.len());
    for p in placements {
        let id = p.service_id;
        let row = measured.get(&id);
        let m = row.map(|r| Measures::of(&r.sums(), baseline));
        let e = episodes.get(&id).copied().unwrap_or_default();
        let episode_weeks =
            (e.ended > 0).then(|| (e.episode_days as f64 / e.ended as f64 / 7.0).max(1.0 / 7.0));
        let (capacity, caseload) = m.map_or((0.0, 0.0), |m| (m.capacity, m.caseload_capacity));
        let service_rate = if capacity > 0.0 {
            capacity
        } else {
            caseload / episode_weeks.unwrap_or(DEFAULT_EPISODE_WEEKS)
        };
        let waiting_weeks = row.map_or(0.0, |r| r.waiting_days as f64 / 7.0);
        let dropout_rate = if waiting_weeks > 0.0 {
            (e.dropouts as f64 / waiting_weeks).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let service_needs: Vec<Need> = needs
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|n| Need::parse(n))
            .collect();
        let status = row
            .and_then(|r| r.status.as_deref())
            .and_then(ServiceStatus::parse);
        out.push(BaselineService {
            candidate: Candidate {
                service_id: id,
                distance_km: 0.0,
                needs: service_needs.clone(),
                capabilities: caps
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .filter_map(|c| {
                        Some(Capability {
                            kind: CapabilityKind::parse(&c.kind)?,
                            code: c.code.clone(),
                        })
                    })
                    .collect(),
                ages: AgeRange {
                    min: p.min_age,
                    max: p.max_age,
                },
                status,
                staleness: None,
                headroom: None,
                utilisation: None,
            },
            needs: service_needs,
            demand: m.map_or(0.0, |m| m.demand),
            caseload_capacity: caseload,
            episode_weeks,
            model: ServiceModel {
                service_rate,
                dropout_rate,
                waiting_at_start: row.map_or(0.0, |r| r.waiting_at_end as f64),
            },
            placement: p,
        });
    }
    Ok(out)
}
