//! The numbers that must mean the same everywhere, each defined once here
//! (DESIGN.md, "Numbers that must mean the same everywhere"). The SQL in
//! `store::metrics` computes the same quantities in the database; these
//! definitions are the reference its tests compare against, and the place
//! where the store's integer sums become rates.

pub mod capacity;
pub mod contribution;
pub mod flow;
pub mod funding;
pub mod overview;
pub mod rates;
pub mod window;

pub use window::Window;

#[cfg(test)]
mod properties {
    use chrono::{Duration, NaiveDate};
    use proptest::prelude::*;

    use super::capacity::{capacity_days, mean_per_day, CapacityVersion, StatusChange};
    use super::rates::{headroom, Utilisation};
    use super::Window;
    use crate::domain::status::ServiceStatus;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 12, 1).unwrap() + Duration::days(n)
    }

    fn versions() -> impl Strategy<Value = Vec<CapacityVersion>> {
        prop::collection::vec((0_i64..200, 0_i32..60), 0..6).prop_map(|vs| {
            vs.into_iter()
                .enumerate()
                .map(|(i, (from, places))| CapacityVersion {
                    valid_from: day(from),
                    seq: i as i64,
                    places_per_week: Some(places),
                    caseload_max: None,
                })
                .collect()
        })
    }

    fn statuses() -> impl Strategy<Value = Vec<StatusChange>> {
        prop::collection::vec((0_i64..200, 0_usize..5), 0..5).prop_map(|ss| {
            ss.into_iter()
                .enumerate()
                .map(|(i, (from, s))| StatusChange {
                    valid_from: day(from),
                    seq: i as i64,
                    status: ServiceStatus::ALL[s],
                })
                .collect()
        })
    }

    proptest! {
        /// Capacity over a window is the days-weighted sum of its parts,
        /// wherever it is cut (leap day included: the range spans 2028-02-29).
        #[test]
        fn capacity_over_a_window_adds_up_over_its_parts(
            vs in versions(), ss in statuses(), from in 0_i64..150, len in 2_i64..120, cut in 1_i64..119,
        ) {
            let cut = cut.min(len - 1);
            let whole = Window::parse(day(from), day(from + len)).unwrap();
            let left = Window::parse(day(from), day(from + cut)).unwrap();
            let right = Window::parse(day(from + cut), day(from + len)).unwrap();
            let sum = |w: &Window| capacity_days(&vs, &ss, w).places_per_week;
            prop_assert_eq!(sum(&whole), sum(&left) + sum(&right));
        }

        /// Weekly capacity never exceeds the largest version in force.
        #[test]
        fn weekly_capacity_is_within_the_versions(vs in versions(), from in 0_i64..150, len in 1_i64..120) {
            let w = Window::parse(day(from), day(from + len)).unwrap();
            let c = mean_per_day(capacity_days(&vs, &[], &w).places_per_week, &w);
            let max = vs.iter().filter_map(|v| v.places_per_week).max().unwrap_or(0);
            prop_assert!(c >= 0.0 && c <= f64::from(max));
        }

        /// Headroom + demand = capacity, and over capacity exactly when
        /// headroom is negative (with capacity) or demand has none.
        #[test]
        fn headroom_plus_demand_is_capacity(c in 0.0_f64..500.0, d in 0.0_f64..500.0) {
            prop_assert!((headroom(c, d) + d - c).abs() < 1e-9);
            prop_assert_eq!(Utilisation::of(d, c).over_capacity(), headroom(c, d) < 0.0);
        }
    }
}
