//! A run of the model: every service's baseline projected as it is
//! ("before") and with the scenario's changes ("after"), week by week; the
//! extra streams routed to services as their shares say, or reported as
//! unabsorbed; bands from seeded replications for every service the
//! changes touch; and what each would need to stay healthy.
//!
//! All services step through the weeks together, so that with spill-over
//! a service whose projected wait has passed the limit passes that week's
//! new arrivals on to the next service of the stream with a shorter wait.
//! Spill-over is decided on the mean projection; the replications draw
//! around the arrivals it gives.

use std::collections::HashMap;
use std::sync::Arc;

use super::demand::Stream;
use super::funding::{self, Goal, Needed};
use super::projection::{Projection, ServiceModel, Stock, Week};
use super::routing::{Routed, Unabsorbed};
use super::schedule::Schedule;
use super::uncertainty::{self, Bands};
use crate::domain::codes::Need;
use crate::domain::money::Pence;
use crate::domain::parallel::map_chunks;

/// A service as the baseline shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceInput {
    pub id: i64,
    /// `D`, per week, over the baseline.
    pub baseline_arrivals: f64,
    /// Its service rate, drop-out rate and waiting list now.
    pub model: ServiceModel,
    pub unit_cost: Option<Pence>,
    /// For a service the scenario adds: the change that opens it (its
    /// service rate then grows with that change's schedule).
    pub opened_by: Option<usize>,
}

/// Places a week added to (or, negative, taken from) a service by a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateChange {
    pub service_id: i64,
    pub change: usize,
    pub per_week: f64,
}

/// Baseline arrivals a week taken from a service by a change (a gateway
/// reduced or ended).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cut {
    pub service_id: i64,
    pub change: usize,
    pub per_week: f64,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub weeks: u32,
    /// Each change's schedule, by change index.
    pub schedules: Vec<Schedule>,
    /// Every service in the run, by id.
    pub services: Vec<ServiceInput>,
    pub rate_changes: Vec<RateChange>,
    pub cuts: Vec<Cut>,
    /// Each stream with where it goes (streams alike share one route).
    pub streams: Vec<(Stream, Arc<Routed>)>,
    pub spill_over_wait_days: Option<f64>,
    pub replications: u32,
    pub seed: u64,
    pub goal: Goal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceOutcome {
    pub id: i64,
    pub before: Projection,
    pub after: Projection,
    pub rates_before: Vec<f64>,
    pub rates_after: Vec<f64>,
    /// Bands of the after projection; None for a service the changes
    /// leave as it was (its future is the baseline's).
    pub bands: Option<Bands>,
    pub needed_before: Needed,
    pub needed_after: Needed,
}

impl ServiceOutcome {
    pub fn changed(&self) -> bool {
        self.bands.is_some()
    }
}

/// Demand no service can absorb, by where it comes from and why.
#[derive(Debug, Clone, PartialEq)]
pub struct UnabsorbedFlow {
    pub ward_id: i64,
    pub need: Need,
    pub why: Unabsorbed,
    pub per_week: Vec<f64>,
}

/// The run's accounts, week by week: added = routed + unabsorbed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub added: Vec<f64>,
    pub routed: Vec<f64>,
    pub unabsorbed: Vec<f64>,
    /// Baseline arrivals taken away by gateways reduced or ended.
    pub removed: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub services: Vec<ServiceOutcome>,
    pub unabsorbed: Vec<UnabsorbedFlow>,
    pub ledger: Ledger,
}

/// Each change's streams shared out at full effect, for one set of
/// services open.
struct Spread {
    added: Vec<f64>,
    routed: Vec<f64>,
    unabsorbed: Vec<f64>,
    /// Arrivals by service, dense while shared out.
    dense: Vec<Vec<f64>>,
    /// The same, sparse: (service index, arrivals) per change.
    arrivals: Vec<Vec<(usize, f64)>>,
    /// (unabsorbed flow, referrals) per change.
    lost: Vec<Vec<(usize, f64)>>,
}

impl Spread {
    fn new(changes: usize, services: usize) -> Self {
        Self {
            added: vec![0.0; changes],
            routed: vec![0.0; changes],
            unabsorbed: vec![0.0; changes],
            dense: vec![vec![0.0; services]; changes],
            arrivals: vec![Vec::new(); changes],
            lost: vec![Vec::new(); changes],
        }
    }

    fn sparse(mut self) -> Self {
        for (c, dense) in self.dense.iter().enumerate() {
            self.arrivals[c] = dense
                .iter()
                .enumerate()
                .filter(|(_, a)| **a != 0.0)
                .map(|(i, a)| (i, *a))
                .collect();
        }
        self.dense = Vec::new();
        self
    }
}

/// Shares `amount` of a stream among the open services of its shares
/// (renormalised over those open), each share passed on to the first
/// service of the stream within the spill-over limit where its own wait
/// is past it; or says why nothing can take it.
fn distribute(
    routed: &Routed,
    amount: f64,
    index: &HashMap<i64, usize>,
    open: impl Fn(usize) -> bool,
    spill: Option<(f64, &[f64])>,
    scratch: &mut Vec<(usize, f64)>,
    mut to: impl FnMut(usize, f64),
) -> Result<(), Unabsorbed> {
    let shares = match routed {
        Routed::Unabsorbed(why) => return Err(why.clone()),
        Routed::Shares(_, shares) => shares,
    };
    scratch.clear();
    scratch.extend(
        shares
            .iter()
            .filter_map(|(id, s)| index.get(id).map(|&i| (i, *s)))
            .filter(|(i, _)| open(*i)),
    );
    let total: f64 = scratch.iter().map(|(_, s)| s).sum();
    if total <= 0.0 {
        return Err(Unabsorbed::NoneOpen);
    }
    for &(i, share) in scratch.iter() {
        let target = match spill {
            Some((limit, waits)) if waits[i] > limit => scratch
                .iter()
                .map(|(j, _)| *j)
                .find(|&j| waits[j] <= limit)
                .unwrap_or(i),
            _ => i,
        };
        to(target, amount * share / total);
    }
    Ok(())
}

/// The unabsorbed flows of a run (by ward, need and why), found by key.
#[derive(Default)]
struct Flows {
    flows: Vec<UnabsorbedFlow>,
    index: HashMap<(i64, Need, Unabsorbed), usize>,
}

impl Flows {
    /// The index of a stream's flow, added if it is the first.
    fn of(&mut self, s: &Stream, why: Unabsorbed, weeks: usize) -> usize {
        let flows = &mut self.flows;
        *self
            .index
            .entry((s.ward_id, s.need, why.clone()))
            .or_insert_with(|| {
                flows.push(UnabsorbedFlow {
                    ward_id: s.ward_id,
                    need: s.need,
                    why,
                    per_week: vec![0.0; weeks],
                });
                flows.len() - 1
            })
    }
}

/// The bands of every changed service, drawn on as many threads as the
/// machine has cores; each service has its own random stream, so the
/// split does not change a figure.
fn replicate_changed(
    plan: &Plan,
    services: &[ServiceOutcome],
    arrivals: &[Vec<f64>],
    rates: &[Vec<f64>],
) -> Vec<(usize, Bands)> {
    let jobs: Vec<usize> = (0..services.len())
        .filter(|&i| services[i].changed())
        .collect();
    map_chunks(&jobs, |chunk| {
        chunk
            .iter()
            .map(|&i| {
                let s = &plan.services[i];
                let bands = uncertainty::replicate(
                    &s.model,
                    &arrivals[i],
                    &rates[i],
                    plan.replications,
                    plan.seed,
                    s.id as u64,
                );
                (i, bands)
            })
            .collect()
    })
}

/// Runs `plan`.
pub fn run(plan: &Plan) -> Outcome {
    let weeks = plan.weeks as usize;
    let factor = |change: usize, w: usize| {
        plan.schedules
            .get(change)
            .map_or(0.0, |s| s.factor(w as u32))
    };
    let index: HashMap<i64, usize> = plan
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    let n = plan.services.len();

    let rates_before: Vec<f64> = plan
        .services
        .iter()
        .map(|s| {
            if s.opened_by.is_some() {
                0.0
            } else {
                s.model.service_rate.max(0.0)
            }
        })
        .collect();
    let mut rates_after: Vec<Vec<f64>> = plan
        .services
        .iter()
        .map(|s| {
            (0..weeks)
                .map(|w| match s.opened_by {
                    Some(c) => s.model.service_rate * factor(c, w),
                    None => s.model.service_rate,
                })
                .collect()
        })
        .collect();
    for rc in &plan.rate_changes {
        if let Some(&i) = index.get(&rc.service_id) {
            for (w, rate) in rates_after[i].iter_mut().enumerate() {
                *rate += rc.per_week * factor(rc.change, w);
            }
        }
    }
    for rates in &mut rates_after {
        for r in rates.iter_mut() {
            *r = r.max(0.0);
        }
    }

    let mut ledger = Ledger {
        added: vec![0.0; weeks],
        routed: vec![0.0; weeks],
        unabsorbed: vec![0.0; weeks],
        removed: vec![0.0; weeks],
    };
    let mut arrivals_after: Vec<Vec<f64>> = plan
        .services
        .iter()
        .map(|s| vec![s.baseline_arrivals.max(0.0); weeks])
        .collect();
    for cut in &plan.cuts {
        if let Some(&i) = index.get(&cut.service_id) {
            for (w, a) in arrivals_after[i].iter_mut().enumerate() {
                let taken = (cut.per_week * factor(cut.change, w)).clamp(0.0, *a);
                *a -= taken;
                ledger.removed[w] += taken;
            }
        }
    }

    let opened = |i: usize, w: usize| {
        plan.services[i]
            .opened_by
            .is_none_or(|c| factor(c, w) > 0.0)
    };
    let mut flows = Flows::default();
    let mut scratch: Vec<(usize, f64)> = Vec::new();
    let mut after_weeks: Vec<Vec<Week>> = vec![Vec::with_capacity(weeks); n];
    match plan.spill_over_wait_days {
        // Where arrivals go depends on last week's waits: every stream is
        // shared out week by week, all services stepping together.
        Some(limit) => {
            let mut stocks: Vec<Stock> =
                plan.services.iter().map(|s| Stock::new(&s.model)).collect();
            let mut wait_now: Vec<f64> = vec![0.0; n];
            let mut lost: Vec<(usize, usize, f64)> = Vec::new();
            for w in 0..weeks {
                for (stream, routed) in &plan.streams {
                    let amount = stream.per_week * factor(stream.change, w);
                    if amount <= 0.0 {
                        continue;
                    }
                    ledger.added[w] += amount;
                    let spill = Some((limit, wait_now.as_slice()));
                    let arrivals = &mut arrivals_after;
                    match distribute(
                        routed,
                        amount,
                        &index,
                        |i| opened(i, w),
                        spill,
                        &mut scratch,
                        |i, a| arrivals[i][w] += a,
                    ) {
                        Ok(()) => ledger.routed[w] += amount,
                        Err(why) => {
                            ledger.unabsorbed[w] += amount;
                            lost.push((flows.of(stream, why, weeks), w, amount));
                        }
                    }
                }
                for i in 0..n {
                    let week = stocks[i].step(arrivals_after[i][w], rates_after[i][w]);
                    wait_now[i] = week.wait_days.unwrap_or(f64::INFINITY);
                    after_weeks[i].push(week);
                }
            }
            for (flow, w, amount) in lost {
                flows.flows[flow].per_week[w] += amount;
            }
        }
        // Without spill-over each change's streams share out the same way
        // every week it is in effect (for one set of services open), so
        // they are shared out once at full effect and scaled by the
        // schedule: weeks × changes × services, not weeks × streams.
        None => {
            let changes = plan.schedules.len();
            let news: Vec<usize> = plan.services.iter().filter_map(|s| s.opened_by).collect();
            let mut spreads: HashMap<Vec<bool>, Spread> = HashMap::new();
            // The week indexes the ledger, every service's arrivals and
            // each change's schedule at once.
            #[allow(clippy::needless_range_loop)]
            for w in 0..weeks {
                let open_now: Vec<bool> = news.iter().map(|&c| factor(c, w) > 0.0).collect();
                if !spreads.contains_key(&open_now) {
                    let mut spread = Spread::new(changes, n);
                    for (stream, routed) in &plan.streams {
                        let c = stream.change;
                        if c >= changes || stream.per_week <= 0.0 {
                            continue;
                        }
                        spread.added[c] += stream.per_week;
                        let dense = &mut spread.dense[c];
                        match distribute(
                            routed,
                            stream.per_week,
                            &index,
                            |i| opened(i, w),
                            None,
                            &mut scratch,
                            |i, a| dense[i] += a,
                        ) {
                            Ok(()) => spread.routed[c] += stream.per_week,
                            Err(why) => {
                                spread.unabsorbed[c] += stream.per_week;
                                spread.lost[c]
                                    .push((flows.of(stream, why, weeks), stream.per_week));
                            }
                        }
                    }
                    spreads.insert(open_now.clone(), spread.sparse());
                }
                let spread = &spreads[&open_now];
                for c in 0..changes {
                    let f = factor(c, w);
                    if f <= 0.0 {
                        continue;
                    }
                    ledger.added[w] += f * spread.added[c];
                    ledger.routed[w] += f * spread.routed[c];
                    ledger.unabsorbed[w] += f * spread.unabsorbed[c];
                    for &(i, a) in &spread.arrivals[c] {
                        arrivals_after[i][w] += f * a;
                    }
                    for &(flow, a) in &spread.lost[c] {
                        flows.flows[flow].per_week[w] += f * a;
                    }
                }
            }
            for i in 0..n {
                let mut stock = Stock::new(&plan.services[i].model);
                after_weeks[i].extend(
                    (0..weeks).map(|w| stock.step(arrivals_after[i][w], rates_after[i][w])),
                );
            }
        }
    }

    let services = plan
        .services
        .iter()
        .enumerate()
        .zip(after_weeks)
        .map(|((i, s), weeks_after)| {
            let before_model = ServiceModel {
                service_rate: rates_before[i],
                ..s.model
            };
            let arrivals_before = vec![
                if s.opened_by.is_some() {
                    0.0
                } else {
                    s.baseline_arrivals.max(0.0)
                };
                weeks
            ];
            let before = super::projection::project(&before_model, &arrivals_before);
            let after = Projection::of(weeks_after);
            let rates_before = vec![rates_before[i]; weeks];
            let changed = arrivals_after[i] != arrivals_before || rates_after[i] != rates_before;
            // Placeholder bands mark the service as changed; they are drawn
            // below, in parallel.
            let bands = changed.then(Bands::default);
            ServiceOutcome {
                id: s.id,
                needed_before: funding::needed(
                    &before_model,
                    &arrivals_before,
                    &rates_before,
                    &plan.goal,
                    s.unit_cost,
                ),
                needed_after: funding::needed(
                    &s.model,
                    &arrivals_after[i],
                    &rates_after[i],
                    &plan.goal,
                    s.unit_cost,
                ),
                before,
                after,
                rates_before,
                rates_after: rates_after[i].clone(),
                bands,
            }
        })
        .collect::<Vec<ServiceOutcome>>();
    let mut services = services;
    let drawn = replicate_changed(plan, &services, &arrivals_after, &rates_after);
    for (i, bands) in drawn {
        services[i].bands = Some(bands);
    }
    Outcome {
        services,
        unabsorbed: flows.flows,
        ledger,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capability::{Capability, CapabilityKind};
    use proptest::prelude::*;

    fn goal() -> Goal {
        Goal {
            target_utilisation: 0.85,
            relief_weeks: 12,
            target_waiting: 0.0,
        }
    }

    fn service(id: i64, baseline: f64, rate: f64) -> ServiceInput {
        ServiceInput {
            id,
            baseline_arrivals: baseline,
            model: ServiceModel {
                service_rate: rate,
                dropout_rate: 0.05,
                waiting_at_start: 0.0,
            },
            unit_cost: Some(Pence::from_pence(10_000)),
            opened_by: None,
        }
    }

    fn always() -> Schedule {
        Schedule::parse(
            "c",
            super::super::Horizon::parse("h", 104).unwrap(),
            0,
            0,
            None,
        )
        .unwrap()
    }

    fn stream(per_week: f64) -> Stream {
        Stream {
            change: 0,
            ward_id: 1,
            need: Need::Dementia,
            age_band: None,
            language: Some("syl".into()),
            required: vec![Capability {
                kind: CapabilityKind::Language,
                code: "syl".into(),
            }],
            per_week,
        }
    }

    fn plan(services: Vec<ServiceInput>, streams: Vec<(Stream, Arc<Routed>)>) -> Plan {
        Plan {
            weeks: 26,
            schedules: vec![always()],
            services,
            rate_changes: vec![],
            cuts: vec![],
            streams,
            spill_over_wait_days: None,
            replications: 20,
            seed: 1,
            goal: goal(),
        }
    }

    #[test]
    fn extra_referrals_raise_the_arrivals_of_the_services_they_reach() {
        let routed = Routed::Shares(
            super::super::routing::Basis::CapacityAndDistance,
            vec![(1, 0.75), (2, 0.25)],
        );
        let out = run(&plan(
            vec![
                service(1, 8.0, 10.0),
                service(2, 5.0, 10.0),
                service(3, 5.0, 10.0),
            ],
            vec![(stream(4.0), Arc::new(routed))],
        ));
        let arrivals = |i: usize| out.services[i].after.weeks[0].arrivals;
        assert_eq!((arrivals(0), arrivals(1), arrivals(2)), (11.0, 6.0, 5.0));
        assert!(out.services[0].changed() && !out.services[2].changed());
        // Service 1 goes over capacity (11 > 10) from week 0; before, it did not.
        assert_eq!(out.services[0].after.first_week_over, Some(0));
        assert_eq!(out.services[0].before.first_week_over, None);
        assert!(out.services[0].needed_after.funding > out.services[0].needed_before.funding);
    }

    #[test]
    fn a_stream_no_service_can_take_is_reported_every_week_not_dropped() {
        let out = run(&plan(
            vec![service(1, 8.0, 10.0)],
            vec![(
                stream(3.0),
                Arc::new(Routed::Unabsorbed(Unabsorbed::LacksCapability(
                    Capability {
                        kind: CapabilityKind::Language,
                        code: "syl".into(),
                    },
                ))),
            )],
        ));
        assert_eq!(out.unabsorbed.len(), 1);
        assert!(out.unabsorbed[0].per_week.iter().all(|w| *w == 3.0));
        assert_eq!(out.ledger.unabsorbed, vec![3.0; 26]);
        assert!(!out.services[0].changed());
    }

    #[test]
    fn with_spill_over_a_service_past_its_wait_passes_new_arrivals_on() {
        let routed = Routed::Shares(
            super::super::routing::Basis::CapacityAndDistance,
            vec![(1, 1.0), (2, 0.0)],
        );
        let mut p = plan(
            vec![service(1, 10.0, 10.0), service(2, 0.0, 20.0)],
            vec![(stream(5.0), Arc::new(routed))],
        );
        p.spill_over_wait_days = Some(7.0);
        let out = run(&p);
        let two: f64 = out.services[1].after.weeks.iter().map(|w| w.arrivals).sum();
        assert!(two > 0.0, "service 2 took the spill");
        assert!(out.services[0].after.peak_waiting < 26.0 * 5.0);
        p.spill_over_wait_days = None;
        let out = run(&p);
        assert_eq!(out.services[1].after.weeks[5].arrivals, 0.0);
    }

    fn arb_plan() -> impl Strategy<Value = Plan> {
        (
            prop::collection::vec((0.0..20.0_f64, 0.0..25.0_f64), 1..6),
            prop::collection::vec((0.0..10.0_f64, 0..4_usize, 0.0..1.0_f64), 0..6),
        )
            .prop_map(|(services, streams)| {
                let services: Vec<ServiceInput> = services
                    .into_iter()
                    .enumerate()
                    .map(|(i, (d, c))| service(i as i64 + 1, d, c))
                    .collect();
                let n = services.len() as i64;
                let streams = streams
                    .into_iter()
                    .map(|(per_week, kind, split)| {
                        let routed = match kind {
                            0 => Routed::Unabsorbed(Unabsorbed::NoServiceNearby),
                            _ => Routed::Shares(
                                super::super::routing::Basis::History,
                                vec![(1, split), ((kind as i64 % n) + 1, 1.0 - split)],
                            ),
                        };
                        (stream(per_week), Arc::new(routed))
                    })
                    .collect();
                plan(services, streams)
            })
    }

    proptest! {
        #[test]
        fn routed_and_unabsorbed_make_up_what_was_added_every_week(p in arb_plan()) {
            let out = run(&p);
            for w in 0..p.weeks as usize {
                let l = &out.ledger;
                prop_assert!((l.added[w] - l.routed[w] - l.unabsorbed[w]).abs() < 1e-9);
                let extra: f64 = out.services.iter()
                    .map(|s| s.after.weeks[w].arrivals - s.before.weeks[w].arrivals)
                    .sum();
                prop_assert!((extra - l.routed[w] + l.removed[w]).abs() < 1e-9);
            }
        }

        #[test]
        fn with_no_changes_every_service_keeps_its_baseline(
            services in prop::collection::vec((0.0..50.0_f64, 0.0..50.0_f64, 0.0..30.0_f64), 1..8)
        ) {
            let services: Vec<ServiceInput> = services.into_iter().enumerate().map(|(i, (d, c, waiting))| {
                let mut s = service(i as i64, d, c);
                s.model.waiting_at_start = waiting;
                s
            }).collect();
            let out = run(&plan(services.clone(), vec![]));
            for (s, o) in services.iter().zip(&out.services) {
                prop_assert!(o.after.weeks.iter().all(|w| w.arrivals == s.baseline_arrivals));
                prop_assert_eq!(&o.after, &o.before);
                prop_assert!(!o.changed());
            }
        }

        #[test]
        fn without_spill_over_more_demand_never_lowers_arrivals_or_lists(
            p in arb_plan(),
            more in 0.0..10.0_f64,
        ) {
            let mut busier = p.clone();
            for (s, _) in &mut busier.streams {
                s.per_week += more;
            }
            let (a, b) = (run(&p), run(&busier));
            for (x, y) in a.services.iter().zip(&b.services) {
                for (wx, wy) in x.after.weeks.iter().zip(&y.after.weeks) {
                    prop_assert!(wy.arrivals >= wx.arrivals - 1e-9);
                    prop_assert!(wy.waiting >= wx.waiting - 1e-9);
                }
            }
        }

        #[test]
        fn the_same_plan_and_seed_give_the_same_outcome(p in arb_plan()) {
            prop_assert_eq!(run(&p), run(&p));
        }
    }
}
