//! The backtest: take a baseline window in the past, feed the model the
//! demand by ward and need that really arrived over the weeks after it
//! (routed as a scenario's extra demand is, by the baseline's history and
//! the services within reach), and set each service's projected arrivals,
//! waiting list and utilisation against what happened, week by week.

use std::collections::{BTreeSet, HashMap};

use chrono::Duration;

use super::scenario_run::{baseline_services, by_service, destinations, reachable, route_streams};
use super::scenarios::require_planner;
use super::Context;
use crate::domain::codes::Need;
use crate::domain::matching::Point;
use crate::domain::metrics::overview::Measures;
use crate::domain::metrics::Window;
use crate::domain::scenario::backtest::{errors, Errors, Tally};
use crate::domain::scenario::change::{Mix, DEFAULT_MAX_DISTANCE_KM};
use crate::domain::scenario::demand::Stream;
use crate::domain::scenario::engine::{Plan, ServiceInput};
use crate::domain::scenario::funding::Goal;
use crate::domain::scenario::schedule::Schedule;
use crate::domain::scenario::Horizon;
use crate::error::{AppError, AppResult};
use crate::store::metrics;
use crate::store::scenario_history as history;

/// The longest a backtest looks ahead.
pub const MAX_WEEKS: i64 = 26;

/// One service's projection against what happened.
#[derive(Debug, Clone)]
pub struct ServiceErrors {
    pub service_id: i64,
    pub arrivals: Errors,
    pub waiting: Errors,
    pub utilisation: Errors,
    pub projected_arrivals: f64,
    pub actual_arrivals: f64,
}

/// A backtest's answer.
#[derive(Debug, Clone)]
pub struct Backtest {
    pub baseline: Window,
    pub weeks: u32,
    /// Referrals taken on in the weeks after, routed by the model.
    pub demand: f64,
    /// Of which no service within reach could take, by the model.
    pub unabsorbed: f64,
    pub arrivals: Errors,
    /// Each service's arrivals over all the weeks together, against what
    /// came: the error a commissioner planning a quarter meets (weekly
    /// counts at one service are small and noisy).
    pub period_arrivals: Errors,
    /// The same for the naive projection that each service takes on what
    /// it took on a week in the baseline: the yardstick for the model.
    pub naive_period_arrivals: Errors,
    pub waiting: Errors,
    pub utilisation: Errors,
    /// Every service, the largest arrivals error first.
    pub services: Vec<ServiceErrors>,
}

/// Backtests the `weeks` after `baseline`, which must have passed.
pub async fn backtest(cx: &Context<'_>, baseline: Window, weeks: i64) -> AppResult<Backtest> {
    require_planner(cx.principal, "backtesting the scenario model")?;
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(AppError::bad_input(
            "weeks",
            format!("a backtest looks 1 to {MAX_WEEKS} weeks ahead; got {weeks}"),
        ));
    }
    let following: Vec<Window> = (0..weeks)
        .map(|w| {
            let from = baseline.to() + Duration::weeks(w);
            Window::parse(from, from + Duration::weeks(1))
        })
        .collect::<Result<_, _>>()?;
    let last = following.last().map_or(baseline.to(), |w| w.to());
    if last > cx.today + Duration::days(1) {
        return Err(AppError::bad_input(
            "weeks",
            format!(
                "the {weeks} weeks after the baseline end on {last}, after today ({}): they have not happened yet",
                cx.today
            ),
        ));
    }
    let horizon = Horizon::parse("weeks", weeks)?;

    // What arrived: one stream per week, ward, need, age band and language.
    let arrived = history::demand_arrived(cx.store, &following).await?;
    let streams: Vec<Stream> = arrived
        .into_iter()
        .map(|(week, c)| Stream {
            change: week,
            ward_id: c.ward_id,
            need: c.need,
            age_band: c.age_band,
            required: c
                .language
                .as_deref()
                .and_then(Mix::language_requirement)
                .into_iter()
                .collect(),
            language: c.language,
            per_week: c.referrals,
        })
        .collect();
    let schedules: Vec<Schedule> = (0..weeks)
        .map(|w| Schedule::parse("weeks", horizon, w, 0, Some(w + 1)))
        .collect::<Result<_, _>>()?;

    // What happened at each service, week by week, by the overview's own
    // measures.
    let actual_rows = metrics::overview(cx.store, &by_service(cx, following.clone())).await?;
    let mut actual: HashMap<i64, Vec<Option<Measures>>> = HashMap::new();
    let mut waiting_at_end: HashMap<i64, Vec<Option<f64>>> = HashMap::new();
    for r in &actual_rows {
        let (Ok(id), Ok(week)) = (r.key.parse::<i64>(), usize::try_from(r.bucket)) else {
            continue;
        };
        let Some(window) = following.get(week) else {
            continue;
        };
        actual
            .entry(id)
            .or_insert_with(|| vec![None; following.len()])[week] =
            Some(Measures::of(&r.sums(), window));
        waiting_at_end
            .entry(id)
            .or_insert_with(|| vec![None; following.len()])[week] = Some(r.waiting_at_end as f64);
    }

    // The services the model can send people to, and those that took
    // people on.
    let wards: Vec<i64> = streams
        .iter()
        .map(|s| s.ward_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let centroids: HashMap<i64, Point> = history::centroids(cx.store, &wards).await?;
    let needs: Vec<Need> = streams
        .iter()
        .map(|s| s.need)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let near = reachable(cx, &wards, &centroids, &needs, DEFAULT_MAX_DISTANCE_KM).await?;
    let mut ids: BTreeSet<i64> = near.iter().copied().collect();
    ids.extend(actual.keys());
    let ids: Vec<i64> = ids.into_iter().collect();
    let base = baseline_services(cx, &baseline, &ids).await?;
    let by_id = base.iter().map(|b| (b.placement.service_id, b)).collect();
    let routing = history::routing_history(cx.store, &baseline, &wards).await?;
    let routed = route_streams(
        streams,
        destinations(
            &wards,
            &centroids,
            &near,
            &by_id,
            &[],
            DEFAULT_MAX_DISTANCE_KM,
        ),
        routing,
        DEFAULT_MAX_DISTANCE_KM,
        cx.stale_after_days,
    )
    .await?;
    let plan = Plan {
        weeks: horizon.weeks(),
        schedules,
        // Every arrival is the demand that really came: none from the
        // baseline besides.
        services: base
            .iter()
            .map(|b| ServiceInput {
                id: b.placement.service_id,
                baseline_arrivals: 0.0,
                model: b.model,
                unit_cost: None,
                opened_by: None,
            })
            .collect(),
        rate_changes: Vec::new(),
        cuts: Vec::new(),
        streams: routed,
        spill_over_wait_days: None,
        replications: 0,
        seed: 0,
        goal: Goal {
            target_utilisation: 1.0,
            relief_weeks: 1,
            target_waiting: 0.0,
        },
    };
    let outcome = super::scenario_run::model(plan).await?;

    let (mut arrivals, mut waiting, mut utilisation, mut period, mut naive) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let baseline_demand: HashMap<i64, f64> = base
        .iter()
        .map(|b| (b.placement.service_id, b.demand))
        .collect();
    let mut services = Vec::with_capacity(outcome.services.len());
    let none = vec![None; following.len()];
    for s in &outcome.services {
        let measured = actual.get(&s.id);
        let happened = |f: &dyn Fn(&Measures) -> Option<f64>| -> Vec<Option<f64>> {
            measured.map_or_else(
                || vec![Some(0.0); following.len()],
                |m| m.iter().map(|w| w.as_ref().and_then(f)).collect(),
            )
        };
        let projected_arrivals: Vec<Option<f64>> =
            s.after.weeks.iter().map(|w| Some(w.arrivals)).collect();
        let actual_arrivals = happened(&|m| Some(m.demand));
        let projected_waiting: Vec<Option<f64>> =
            s.after.weeks.iter().map(|w| Some(w.waiting)).collect();
        let actual_waiting = waiting_at_end.get(&s.id).unwrap_or(&none);
        let projected_use: Vec<Option<f64>> = s
            .after
            .weeks
            .iter()
            .zip(&s.rates_after)
            .map(|(w, r)| (*r > 0.0).then(|| w.arrivals / r))
            .collect();
        let actual_use = happened(&|m| m.utilisation.ratio());
        let (a, a_errors) = errors(&projected_arrivals, &actual_arrivals);
        let (q, q_errors) = errors(&projected_waiting, actual_waiting);
        let (u, u_errors) = errors(&projected_use, &actual_use);
        arrivals.merge(&a);
        let came: f64 = actual_arrivals.iter().flatten().sum();
        period.add(
            &[Some(projected_arrivals.iter().flatten().sum())],
            &[Some(came)],
        );
        naive.add(
            &[baseline_demand
                .get(&s.id)
                .map(|d| d * f64::from(horizon.weeks()))],
            &[Some(came)],
        );
        waiting.merge(&q);
        utilisation.merge(&u);
        services.push(ServiceErrors {
            service_id: s.id,
            arrivals: a_errors,
            waiting: q_errors,
            utilisation: u_errors,
            projected_arrivals: projected_arrivals.iter().flatten().sum(),
            actual_arrivals: actual_arrivals.iter().flatten().sum(),
        });
    }
    services.sort_by(|a, b| {
        b.arrivals
            .mean_absolute
            .total_cmp(&a.arrivals.mean_absolute)
            .then(a.service_id.cmp(&b.service_id))
    });
    Ok(Backtest {
        baseline,
        weeks: horizon.weeks(),
        demand: outcome.ledger.added.iter().sum(),
        unabsorbed: outcome.ledger.unabsorbed.iter().sum(),
        arrivals: arrivals.errors(),
        period_arrivals: period.errors(),
        naive_period_arrivals: naive.errors(),
        waiting: waiting.errors(),
        utilisation: utilisation.errors(),
        services,
    })
}
