//! A group's measures over a window, from the integer sums the database
//! returns, and the orders a commissioner sorts them in.

use super::capacity::mean_per_day;
use super::rates::{headroom, rate, Utilisation};
use super::Window;

/// The sums for one group over a window (see `store::metrics::OverviewRow`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub services: i64,
    pub place_days: i64,
    pub caseload_days: i64,
    pub demand: i64,
    pub active_days: i64,
    pub waiting_days: i64,
    pub answered: i64,
    pub declined_capacity: i64,
    pub declined_capability: i64,
}

/// The measures a commissioner reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measures {
    /// `C`: mean places per week in force.
    pub capacity: f64,
    /// `K`: mean caseload maximum in force.
    pub caseload_capacity: f64,
    /// `D`: referrals first accepted (or started) per week.
    pub demand: f64,
    pub active_caseload: f64,
    /// `W`: mean referrals on a waiting list.
    pub waiting_list: f64,
    pub utilisation: Utilisation,
    /// `C − D`.
    pub headroom: f64,
    /// `K −` mean active caseload.
    pub caseload_headroom: f64,
    pub decline_rate_capacity: Option<f64>,
    pub decline_rate_capability: Option<f64>,
}

impl Measures {
    pub fn of(s: &Sums, window: &Window) -> Self {
        let capacity = mean_per_day(s.place_days, window);
        let caseload_capacity = mean_per_day(s.caseload_days, window);
        let demand = s.demand as f64 / window.weeks();
        let active_caseload = mean_per_day(s.active_days, window);
        Self {
            capacity,
            caseload_capacity,
            demand,
            active_caseload,
            waiting_list: mean_per_day(s.waiting_days, window),
            utilisation: utilisation(demand, capacity, active_caseload, caseload_capacity),
            headroom: headroom(capacity, demand),
            caseload_headroom: headroom(caseload_capacity, active_caseload),
            decline_rate_capacity: rate(s.declined_capacity, s.answered),
            decline_rate_capability: rate(s.declined_capability, s.answered),
        }
    }
}

impl Measures {
    /// Places free per week for a throughput service, or caseload places
    /// free for a one-to-one service; `None` with no capacity recorded.
    pub fn free_places(&self) -> Option<f64> {
        if self.capacity > 0.0 {
            Some(self.headroom)
        } else if self.caseload_capacity > 0.0 {
            Some(self.caseload_headroom)
        } else {
            None
        }
    }
}

/// Throughput services are loaded by demand against places per week,
/// one-to-one services by their active caseload against its maximum; a
/// group with both is as loaded as the worse of the two. With no capacity
/// of either kind, any demand or caseload is over capacity.
pub fn utilisation(demand: f64, capacity: f64, active: f64, caseload_capacity: f64) -> Utilisation {
    let mut kinds = Vec::with_capacity(2);
    if capacity > 0.0 {
        kinds.push(Utilisation::of(demand, capacity));
    }
    if caseload_capacity > 0.0 {
        kinds.push(Utilisation::of(active, caseload_capacity));
    }
    kinds
        .into_iter()
        .max_by(|a, b| a.sort_key().total_cmp(&b.sort_key()))
        .unwrap_or_else(|| Utilisation::of(demand + active, 0.0))
}

/// The orders an overview can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Highest utilisation first; demand with no capacity before all.
    MostOverCapacity,
    /// Least headroom (`C − D`, then `K −` caseload) first.
    LeastHeadroom,
    /// Longest median wait first; groups with no waits last.
    LongestWait,
}

/// Sorts `(key, measures, median wait)` rows; ties keep key order.
pub fn sort<T>(rows: &mut [T], by: Sort, measures: impl Fn(&T) -> (&Measures, Option<i64>)) {
    rows.sort_by(|a, b| {
        let (ma, wa) = measures(a);
        let (mb, wb) = measures(b);
        match by {
            Sort::MostOverCapacity => mb
                .utilisation
                .sort_key()
                .total_cmp(&ma.utilisation.sort_key()),
            Sort::LeastHeadroom => (ma.headroom + ma.caseload_headroom)
                .total_cmp(&(mb.headroom + mb.caseload_headroom)),
            Sort::LongestWait => wb.unwrap_or(-1).cmp(&wa.unwrap_or(-1)),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn window(days: i64) -> Window {
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        Window::parse(from, from + chrono::Duration::days(days)).unwrap()
    }

    #[test]
    fn measures_are_means_over_the_window() {
        let s = Sums {
            place_days: 14 * 5,
            demand: 12,
            answered: 20,
            declined_capacity: 5,
            ..Default::default()
        };
        let m = Measures::of(&s, &window(14));
        assert_eq!(m.capacity, 5.0);
        assert_eq!(m.demand, 6.0);
        assert_eq!(m.headroom, -1.0);
        assert_eq!(m.utilisation.ratio(), Some(1.2));
        assert_eq!(m.decline_rate_capacity, Some(0.25));
    }

    #[test]
    fn a_caseload_service_is_loaded_by_its_caseload_not_its_demand() {
        // No places per week, caseload 10, mean 8 active, 3 new a week.
        let u = utilisation(3.0, 0.0, 8.0, 10.0);
        assert_eq!(u.ratio(), Some(0.8));
        assert!(!u.over_capacity());
    }

    #[test]
    fn demand_with_no_capacity_of_any_kind_is_over_capacity() {
        assert!(utilisation(1.0, 0.0, 0.0, 0.0).over_capacity());
        assert!(!utilisation(0.0, 0.0, 0.0, 0.0).over_capacity());
    }

    #[test]
    fn most_over_capacity_sorts_no_capacity_demand_first() {
        let w = window(7);
        let over = Measures::of(
            &Sums {
                place_days: 7,
                demand: 3,
                ..Default::default()
            },
            &w,
        );
        let none = Measures::of(
            &Sums {
                demand: 1,
                ..Default::default()
            },
            &w,
        );
        let idle = Measures::of(
            &Sums {
                place_days: 70,
                ..Default::default()
            },
            &w,
        );
        let mut rows = vec![("idle", idle), ("over", over), ("none", none)];
        sort(&mut rows, Sort::MostOverCapacity, |r| (&r.1, None));
        let order: Vec<_> = rows.iter().map(|r| r.0).collect();
        assert_eq!(order, ["none", "over", "idle"]);
    }
}
