//! A year of referrals, generated week by week from each gateway and played
//! through the lifecycle against each service's capacity: popular services
//! fill up, wait-list and decline for capacity; services without a person's
//! language sometimes decline for capability. Nothing after `as_of` happens.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names;
use super::plan::{at, next, Borough, Ids, ServiceSim};
use crate::domain::codes::DeclineReason;
use crate::domain::metrics::flow::{Event, History};
use crate::domain::referral::ReferralState::{self, *};
use crate::store::entity::{referral, referral_event, referral_flow, referral_need};
use crate::store::flows;

#[derive(Default)]
pub struct Referrals {
    pub referrals: Vec<referral::Model>,
    pub needs: Vec<referral_need::Model>,
    pub events: Vec<referral_event::Model>,
    pub flows: Vec<referral_flow::Model>,
}

const NEEDS: &[(&str, u32)] = &[
    ("loneliness", 24),
    ("mental_wellbeing", 20),
    ("financial", 12),
    ("physical_activity", 10),
    ("carer_support", 6),
    ("dementia", 5),
    ("long_term_condition", 6),
    ("housing", 5),
    ("healthy_eating", 4),
    ("employment", 4),
    ("bereavement", 3),
    ("digital_inclusion", 3),
    ("english_language", 3),
    ("falls_prevention", 2),
    ("parenting", 2),
    ("substance_use", 1),
];

const AGE_BANDS: &[(&str, u32)] = &[
    ("18_24", 5),
    ("25_34", 9),
    ("35_44", 11),
    ("45_54", 14),
    ("55_64", 17),
    ("65_74", 18),
    ("75_84", 17),
    ("85_plus", 9),
];

/// Each service's load as the simulation goes: accepts per ISO week for
/// throughput services, end dates of open episodes for caseload services.
#[derive(Default)]
struct Load {
    accepted_in_week: HashMap<(usize, i32, u32), i32>,
    episodes: HashMap<usize, Vec<(NaiveDate, NaiveDate)>>,
}

impl Load {
    fn over_capacity(&self, s: usize, sim: &ServiceSim, day: NaiveDate) -> bool {
        let capacity = sim.capacity_on(day);
        if sim.caseload {
            let active = self.episodes.get(&s).map_or(0, |e| {
                e.iter()
                    .filter(|(from, to)| *from <= day && day < *to)
                    .count()
            });
            active as i32 >= capacity
        } else {
            let w = day.iso_week();
            self.accepted_in_week
                .get(&(s, w.year(), w.week()))
                .copied()
                .unwrap_or(0)
                >= capacity
        }
    }

    fn accept(&mut self, s: usize, day: NaiveDate) {
        let w = day.iso_week();
        *self
            .accepted_in_week
            .entry((s, w.year(), w.week()))
            .or_default() += 1;
    }

    fn start(&mut self, s: usize, from: NaiveDate, to: NaiveDate) {
        self.episodes.entry(s).or_default().push((from, to));
    }
}

struct Timeline<'a> {
    referral_id: i64,
    state: Option<ReferralState>,
    as_of: DateTime<Utc>,
    events: &'a mut Vec<referral_event::Model>,
    next_event_id: &'a mut i64,
    last: DateTime<Utc>,
    count: i32,
    /// The same events as the domain reads them, for the referral's flows.
    history: History,
}

impl Timeline<'_> {
    /// Records a transition if it happened before `as_of`; false otherwise,
    /// and the story stops there.
    fn event(
        &mut self,
        to: ReferralState,
        when: DateTime<Utc>,
        service: Option<i64>,
        reason: Option<(&str, Option<(&str, &str)>)>,
    ) -> bool {
        if when > self.as_of {
            return false;
        }
        debug_assert!(
            self.state.is_none_or(|s| s.can_move_to(to)),
            "{:?} → {to:?}",
            self.state
        );
        *self.next_event_id += 1;
        let role = match to {
            Received | Sent | Withdrawn => "link_worker",
            _ => "provider",
        };
        self.events.push(referral_event::Model {
            id: *self.next_event_id,
            referral_id: self.referral_id,
            from_state: self.state.map(|s| s.as_str().to_owned()),
            to_state: to.as_str().to_owned(),
            service_id: service,
            occurred_at: when,
            occurred_on: when.date_naive(),
            actor_role: Some(role.to_owned()),
            actor_key_id: None,
            reason: reason.map(|r| r.0.to_owned()),
            capability_kind: reason.and_then(|r| r.1).map(|c| c.0.to_owned()),
            capability_code: reason.and_then(|r| r.1).map(|c| c.1.to_owned()),
            note: None,
        });
        self.history.events.push(Event {
            on: when.date_naive(),
            to,
            service,
            reason: reason.and_then(|r| DeclineReason::parse(r.0)),
        });
        self.state = Some(to);
        self.last = when;
        self.count += 1;
        true
    }
}

/// A moment in working hours `min_days` to `max_days` after `from`, and
/// never before it.
fn later(rng: &mut ChaCha8Rng, from: DateTime<Utc>, min_days: i64, max_days: i64) -> DateTime<Utc> {
    let day = from.date_naive() + Duration::days(rng.random_range(min_days..=max_days));
    let when = at(day, rng.random_range(9..17), rng.random_range(0..60));
    if when > from {
        when
    } else {
        from + Duration::minutes(rng.random_range(5..120))
    }
}

pub fn simulate(
    rng: &mut ChaCha8Rng,
    b: &Borough,
    ids: &mut Ids,
    start: NaiveDate,
    as_of: NaiveDate,
) -> Referrals {
    let mut out = Referrals::default();
    let mut load = Load::default();
    let as_of_time = at(as_of, 0, 0);
    let need_dist = WeightedIndex::new(NEEDS.iter().map(|n| n.1)).expect("need weights");
    let age_dist = WeightedIndex::new(AGE_BANDS.iter().map(|n| n.1)).expect("age weights");
    let lang_dist =
        WeightedIndex::new(names::LANGUAGES.iter().map(|n| n.1)).expect("language weights");
    let mut by_need: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in b.service_sims.iter().enumerate() {
        for n in &s.needs {
            by_need.entry(n).or_default().push(i);
        }
    }
    let weeks = (as_of - start).num_days() / 7;
    for week in 0..weeks {
        for g in &b.gateway_sims {
            let n = (g.per_week * rng.random_range(0.75..1.25)).round() as usize;
            for _ in 0..n {
                let received = at(
                    start + Duration::days(week * 7 + rng.random_range(0..5)),
                    rng.random_range(9..17),
                    rng.random_range(0..60),
                );
                if received >= as_of_time {
                    continue;
                }
                let id = next(&mut ids.referral);
                let ward = *g.wards.choose(rng).expect("gateway wards");
                let language = names::LANGUAGES[lang_dist.sample(rng)].0;
                let mut needs = vec![NEEDS[need_dist.sample(rng)].0];
                if rng.random_bool(0.3) {
                    let second = NEEDS[need_dist.sample(rng)].0;
                    if second != needs[0] {
                        needs.push(second);
                    }
                }
                for need in &needs {
                    out.needs.push(referral_need::Model {
                        referral_id: id,
                        need_code: (*need).into(),
                    });
                }
                let mut t = Timeline {
                    referral_id: id,
                    state: None,
                    as_of: as_of_time,
                    events: &mut out.events,
                    next_event_id: &mut ids.event,
                    last: received,
                    count: 0,
                    history: History::default(),
                };
                t.event(Received, received, None, None);
                let mut service = None;
                let mut clock = received;
                for attempt in 0..2 {
                    let Some(s) =
                        choose_service(rng, b, &by_need, needs[0], ward, language, service)
                    else {
                        break;
                    };
                    let sim = &b.service_sims[s];
                    clock = later(rng, clock, 0, 3);
                    if !t.event(Sent, clock, Some(sim.id), None) {
                        break;
                    }
                    service = Some(s);
                    clock = later(rng, clock, 1, 5);
                    let day = clock.date_naive();
                    let speaks = language == "en" || sim.languages.contains(&language);
                    let closed_for_good =
                        sim.capacity_on(day) == 0 && sim.closed.iter().any(|(_, to)| *to > as_of);
                    let decision = if closed_for_good || (!speaks && rng.random_bool(0.45)) {
                        Declined
                    } else if load.over_capacity(s, sim, day) || sim.capacity_on(day) == 0 {
                        if rng.random_bool(0.6) {
                            WaitListed
                        } else {
                            Declined
                        }
                    } else if rng.random_bool(0.04) {
                        Declined
                    } else {
                        Accepted
                    };
                    let reason = match decision {
                        Declined
                            if !speaks
                                && sim.capacity_on(day) > 0
                                && !load.over_capacity(s, sim, day) =>
                        {
                            Some(("capability", Some(("language", language))))
                        }
                        Declined
                            if sim.capacity_on(day) > 0 && !load.over_capacity(s, sim, day) =>
                        {
                            Some((
                                *["eligibility", "person_declined", "other"]
                                    .choose(rng)
                                    .expect("reasons"),
                                None,
                            ))
                        }
                        Declined => Some(("capacity", None)),
                        _ => None,
                    };
                    if !t.event(decision, clock, Some(sim.id), reason) {
                        break;
                    }
                    match decision {
                        Accepted => {
                            load.accept(s, day);
                            episode(rng, &mut t, &mut load, s, sim, clock, 2, 10);
                            break;
                        }
                        WaitListed => {
                            if rng.random_bool(0.15) {
                                let when = later(rng, clock, 7, 40);
                                t.event(Withdrawn, when, Some(sim.id), None);
                                break;
                            }
                            let when = later(rng, clock, 10, 70);
                            if !t.event(Accepted, when, Some(sim.id), None) {
                                break;
                            }
                            load.accept(s, when.date_naive());
                            episode(rng, &mut t, &mut load, s, sim, when, 1, 7);
                            break;
                        }
                        _ => {
                            if attempt == 0 && rng.random_bool(0.5) {
                                continue;
                            }
                            break;
                        }
                    }
                }
                let (state, updated, version) = (t.state.unwrap_or(Received), t.last, t.count);
                out.flows
                    .extend(flows::rows(id, g.id, &t.history.episodes()));
                out.referrals.push(referral::Model {
                    id,
                    reference: format!("{}{}-{}-{:06}", g.code, g.id, received.format("%y%m"), id),
                    gateway_id: g.id,
                    service_id: service.map(|s| b.service_sims[s].id),
                    age_band: AGE_BANDS[age_dist.sample(rng)].0.to_owned(),
                    residence_ward_id: b.wards[ward].id,
                    preferred_language: Some(language.to_owned()),
                    state: state.as_str().to_owned(),
                    version,
                    received_at: received,
                    updated_at: updated,
                });
            }
        }
    }
    out
}

/// Starts the episode after a short gap, then ends it: most complete, some
/// do not attend, a few withdraw.
#[allow(clippy::too_many_arguments)]
fn episode(
    rng: &mut ChaCha8Rng,
    t: &mut Timeline<'_>,
    load: &mut Load,
    s: usize,
    sim: &ServiceSim,
    from: DateTime<Utc>,
    min_gap: i64,
    max_gap: i64,
) {
    if rng.random_bool(0.05) {
        let when = later(rng, from, 1, 10);
        t.event(Withdrawn, when, Some(sim.id), None);
        return;
    }
    let started = later(rng, from, min_gap, max_gap);
    let weeks = rng.random_range(sim.episode_weeks.0..=sim.episode_weeks.1);
    let ended = later(rng, started, weeks * 7 - 3, weeks * 7 + 3);
    load.start(s, started.date_naive(), ended.date_naive());
    if !t.event(Started, started, Some(sim.id), None) {
        return;
    }
    let roll: f64 = rng.random();
    let (end_state, when) = if roll < 0.75 {
        (Completed, ended)
    } else if roll < 0.9 {
        (DidNotAttend, later(rng, started, 7, 21))
    } else {
        (Withdrawn, later(rng, started, 7, weeks * 7))
    };
    t.event(end_state, when, Some(sim.id), None);
}

/// The link worker's pick: a service that addresses the need, weighted by
/// how popular it is, closeness of its ward and whether it speaks the
/// person's language. Never the service that just declined.
fn choose_service(
    rng: &mut ChaCha8Rng,
    b: &Borough,
    by_need: &HashMap<&str, Vec<usize>>,
    need: &str,
    ward: usize,
    language: &str,
    not: Option<usize>,
) -> Option<usize> {
    let candidates: Vec<usize> = by_need
        .get(need)?
        .iter()
        .copied()
        .filter(|s| Some(*s) != not)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let weights: Vec<f64> = candidates
        .iter()
        .map(|&s| {
            let sim = &b.service_sims[s];
            let distance = (sim.ward_index as i64 - ward as i64).unsigned_abs() as f64;
            let near = 1.0 / (1.0 + distance / 3.0);
            let speaks = if language != "en" && sim.languages.contains(&language) {
                4.0
            } else {
                1.0
            };
            sim.popularity * near * speaks
        })
        .collect();
    let dist = WeightedIndex::new(&weights).ok()?;
    Some(candidates[dist.sample(rng)])
}
