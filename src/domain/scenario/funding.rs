//! What it would take: the capacity that keeps a service at or under its
//! target utilisation every week and clears its projected backlog within
//! the relief weeks, and what the extra places cost at its unit cost.

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
    /// Mean arrivals + (peak waiting − target waiting) ÷ relief weeks.
    pub relief_capacity: f64,
    /// Places a week beyond its mean rate over the horizon.
    pub extra_places: f64,
    /// Extra places × weeks of the horizon × unit cost, rounded once, half
    /// to even; None when the service has no unit cost.
    pub funding: Option<Pence>,
}

/// Needs of a service whose weekly `arrivals` meet weekly `rates`, with
/// `peak_waiting` the longest list projected.
pub fn needed(
    arrivals: &[f64],
    rates: &[f64],
    peak_waiting: f64,
    goal: &Goal,
    unit_cost: Option<Pence>,
) -> Needed {
    let weeks = arrivals.len().max(1) as f64;
    let busiest = arrivals.iter().copied().fold(0.0, f64::max);
    let mean_arrivals = arrivals.iter().sum::<f64>() / weeks;
    let mean_rate = rates.iter().sum::<f64>() / (rates.len().max(1) as f64);
    let capacity_for_target = busiest / goal.target_utilisation;
    let relief_capacity = mean_arrivals
        + (peak_waiting - goal.target_waiting).max(0.0) / f64::from(goal.relief_weeks.max(1));
    let extra_places = (capacity_for_target.max(relief_capacity) - mean_rate).max(0.0);
    Needed {
        capacity_for_target,
        relief_capacity,
        extra_places,
        funding: unit_cost.map(|c| {
            Pence::from_pence((extra_places * weeks * c.get() as f64).round_ties_even() as i64)
        }),
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

    /// 17 arrivals a week at 85% need 20 places; a service with 10 lacks
    /// 10 a week, over 4 weeks at £50 a place: £2,000.
    #[test]
    fn places_to_reach_the_target_cost_their_unit_cost_over_the_horizon() {
        let n = needed(
            &[17.0; 4],
            &[10.0; 4],
            0.0,
            &GOAL,
            Some(Pence::from_pence(5_000)),
        );
        assert!((n.capacity_for_target - 20.0).abs() < 1e-9);
        assert!((n.extra_places - 10.0).abs() < 1e-9);
        assert_eq!(n.funding, Some(Pence::from_pence(200_000)));
    }

    /// 8 arrivals a week and 40 waiting: clearing the list in 10 weeks
    /// takes 8 + 40 ÷ 10 = 12 places, more than 8 ÷ 0.85.
    #[test]
    fn a_backlog_needs_relief_capacity_to_clear_it_in_the_relief_weeks() {
        let n = needed(&[8.0; 4], &[12.0; 4], 40.0, &GOAL, None);
        assert!((n.relief_capacity - 12.0).abs() < 1e-9);
        assert_eq!(n.extra_places, 0.0);
        assert_eq!(n.funding, None);
    }

    #[test]
    fn a_service_with_room_needs_nothing() {
        let n = needed(
            &[5.0; 3],
            &[10.0; 3],
            0.0,
            &GOAL,
            Some(Pence::from_pence(1)),
        );
        assert_eq!(n.extra_places, 0.0);
        assert_eq!(n.funding, Some(Pence::from_pence(0)));
    }
}
