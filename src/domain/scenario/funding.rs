//! What it would take, week by week: the capacity that keeps a service at
//! or under its target utilisation and clears the backlog it holds within
//! the relief weeks, the places a week it lacks for that, and what those
//! places cost at its unit cost in the weeks they are lacking. A change
//! for part of the horizon (a cut for a month, a service opening late)
//! costs its own weeks, not the horizon's.

use super::projection::{ServiceModel, Stock};
use crate::domain::money::Pence;

/// What funding aims for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// Utilisation to stay at or under, above 0 and at most 1.
    pub target_utilisation: f64,
    /// Weeks in which relief capacity clears the backlog.
    pub relief_weeks: u32,
    /// The waiting list a service may keep.
    pub target_waiting: f64,
}

/// The capacity a service needs and what the places it lacks cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Needed {
    /// The busiest week's arrivals ÷ the target utilisation.
    pub capacity_for_target: f64,
    /// The most any week takes to clear the list it starts with within
    /// the relief weeks: its arrivals + (waiting − target waiting) ÷
    /// relief weeks.
    pub relief_capacity: f64,
    /// The most places a week lacks, in any week, beyond its own rate.
    pub extra_places: f64,
    /// Each week's lacking places × unit cost, added over the horizon and
    /// rounded once, half to even; None when the service has no unit cost.
    pub funding: Option<Pence>,
}

/// Needs of a service (`model`: its drop-outs and list at the start)
/// whose weekly `arrivals` meet weekly `rates`. Each week takes the larger
/// of the target capacity (arrivals ÷ target utilisation) and the relief
/// capacity for the list it starts with; the list then moves on at the
/// capacity taken, so a backlog once cleared is not paid for again.
pub fn needed(
    model: &ServiceModel,
    arrivals: &[f64],
    rates: &[f64],
    goal: &Goal,
    unit_cost: Option<Pence>,
) -> Needed {
    let relief_weeks = f64::from(goal.relief_weeks.max(1));
    let mut stock = Stock::new(model);
    let (mut capacity_for_target, mut relief_capacity, mut extra_places) =
        (0.0_f64, 0.0_f64, 0.0_f64);
    let mut place_weeks = 0.0;
    for (w, &arrived) in arrivals.iter().enumerate() {
        let arrived = arrived.max(0.0);
        let rate = rates.get(w).copied().unwrap_or(0.0).max(0.0);
        let for_target = arrived / goal.target_utilisation;
        let relief = arrived + (stock.waiting() - goal.target_waiting).max(0.0) / relief_weeks;
        let capacity = rate.max(for_target).max(relief);
        capacity_for_target = capacity_for_target.max(for_target);
        relief_capacity = relief_capacity.max(relief);
        extra_places = extra_places.max(capacity - rate);
        place_weeks += capacity - rate;
        stock.advance(arrived, capacity);
    }
    Needed {
        capacity_for_target,
        relief_capacity,
        extra_places,
        funding: unit_cost
            .map(|c| Pence::from_pence((place_weeks * c.get() as f64).round_ties_even() as i64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOAL: Goal = Goal {
        target_utilisation: 0.85,
        relief_weeks: 10,
        target_waiting: 0.0,
    };

    fn empty() -> ServiceModel {
        ServiceModel {
            service_rate: 0.0,
            dropout_rate: 0.0,
            waiting_at_start: 0.0,
        }
    }

    fn pence(n: i64) -> Option<Pence> {
        Some(Pence::from_pence(n))
    }

    /// 17 arrivals a week at 85% need 20 places; a service with 10 lacks
    /// 10 a week, over 4 weeks at £50 a place: £2,000.
    #[test]
    fn places_to_reach_the_target_cost_their_unit_cost_in_each_week() {
        let n = needed(&empty(), &[17.0; 4], &[10.0; 4], &GOAL, pence(5_000));
        assert!((n.capacity_for_target - 20.0).abs() < 1e-9);
        assert!((n.extra_places - 10.0).abs() < 1e-9);
        assert_eq!(n.funding, pence(200_000));
    }

    /// 8 arrivals a week and 40 waiting at the start: clearing the list in
    /// 10 weeks takes 8 + 40 ÷ 10 = 12 places in the first week, more than
    /// 8 ÷ 0.85; a service with 12 lacks nothing.
    #[test]
    fn a_backlog_needs_relief_capacity_to_clear_it_in_the_relief_weeks() {
        let backlog = ServiceModel {
            waiting_at_start: 40.0,
            ..empty()
        };
        let n = needed(&backlog, &[8.0; 4], &[12.0; 4], &GOAL, None);
        assert!((n.relief_capacity - 12.0).abs() < 1e-9);
        assert_eq!(n.extra_places, 0.0);
        assert_eq!(n.funding, None);
    }

    /// The same backlog at a service with 8 places: the first week lacks
    /// 4 (12 − 8) and clears 4 of the 40; the second takes 8 + 36 ÷ 10 =
    /// 11.6, lacking 3.6; and so on, each week paying only what its own
    /// list still takes.
    #[test]
    fn relief_is_paid_for_only_while_the_backlog_lasts() {
        let backlog = ServiceModel {
            waiting_at_start: 40.0,
            ..empty()
        };
        let n = needed(&backlog, &[8.0; 3], &[8.0; 3], &GOAL, pence(100));
        // Lacking 4, then 3.6, then 36 − 3.6 = 32.4 waiting: 3.24.
        let lacking = 4.0 + 3.6 + 3.24;
        assert!((n.extra_places - 4.0).abs() < 1e-9);
        assert_eq!(n.funding, pence((lacking * 100.0_f64).round() as i64));
    }

    #[test]
    fn a_service_with_room_needs_nothing() {
        let n = needed(&empty(), &[5.0; 3], &[10.0; 3], &GOAL, pence(1));
        assert_eq!(n.extra_places, 0.0);
        assert_eq!(n.funding, pence(0));
    }

    /// 2 arrivals a week at 3 places, cut to 1 for the last 4 of 52 weeks:
    /// those weeks lack 2 ÷ 0.85 − 1 places each, and only they cost.
    #[test]
    fn a_cut_for_part_of_the_horizon_costs_the_weeks_it_lasts() {
        let mut rates = vec![3.0; 52];
        rates[48..].fill(1.0);
        let n = needed(&empty(), &[2.0; 52], &rates, &GOAL, pence(1_000));
        let lacking = 2.0 / 0.85 - 1.0;
        assert!((n.extra_places - lacking).abs() < 1e-9);
        assert_eq!(
            n.funding,
            pence((4.0 * lacking * 1_000.0_f64).round_ties_even() as i64)
        );
    }

    /// A service that opens in week 48 with 1 place, to 3 arrivals a week
    /// from then: 4 weeks lacking 3 ÷ 0.85 − 1, not 52.
    #[test]
    fn demand_for_part_of_the_horizon_costs_the_weeks_it_comes() {
        let mut arrivals = vec![0.0; 52];
        arrivals[48..].fill(3.0);
        let mut rates = vec![0.0; 52];
        rates[48..].fill(1.0);
        let n = needed(&empty(), &arrivals, &rates, &GOAL, pence(1_000));
        let lacking = 3.0 / 0.85 - 1.0;
        assert_eq!(
            n.funding,
            pence((4.0 * lacking * 1_000.0_f64).round_ties_even() as i64)
        );
    }
}
