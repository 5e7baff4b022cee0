//! Capacity in force on a day, and weekly capacity `C` / caseload capacity
//! `K` over a window.

use chrono::{Duration, NaiveDate};

use super::Window;
use crate::domain::status::ServiceStatus;

/// One capacity version as recorded. Among versions with the same
/// `valid_from`, the later recorded (`seq`) wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapacityVersion {
    pub valid_from: NaiveDate,
    pub seq: i64,
    pub places_per_week: Option<i32>,
    pub caseload_max: Option<i32>,
}

/// One status report; the latest `valid_from` ≤ a day is in force on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub valid_from: NaiveDate,
    pub seq: i64,
    pub status: ServiceStatus,
}

/// Places per week and caseload maximum in force on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InForce {
    pub places_per_week: i64,
    pub caseload_max: i64,
}

fn latest<T>(rows: &[T], day: NaiveDate, key: impl Fn(&T) -> (NaiveDate, i64)) -> Option<&T> {
    rows.iter()
        .filter(|r| key(r).0 <= day)
        .max_by_key(|r| key(r))
}

/// The capacity version with the latest `valid_from` ≤ `day`; zero when no
/// version is in force yet, or the status in force is paused or closed.
pub fn in_force(
    versions: &[CapacityVersion],
    statuses: &[StatusChange],
    day: NaiveDate,
) -> InForce {
    let offers =
        latest(statuses, day, |s| (s.valid_from, s.seq)).is_none_or(|s| s.status.offers_capacity());
    match latest(versions, day, |v| (v.valid_from, v.seq)) {
        Some(v) if offers => InForce {
            places_per_week: v.places_per_week.unwrap_or(0).into(),
            caseload_max: v.caseload_max.unwrap_or(0).into(),
        },
        _ => InForce::default(),
    }
}

/// Σ over the window's days of what is in force: place-days and
/// caseload-days. `C` and `K` are these divided by the window's days.
pub fn capacity_days(
    versions: &[CapacityVersion],
    statuses: &[StatusChange],
    window: &Window,
) -> InForce {
    let mut sum = InForce::default();
    let mut day = window.from();
    while day < window.to() {
        let f = in_force(versions, statuses, day);
        sum.places_per_week += f.places_per_week;
        sum.caseload_max += f.caseload_max;
        day += Duration::days(1);
    }
    sum
}

/// Mean over the window's days of a quantity summed over those days.
pub fn mean_per_day(sum: i64, window: &Window) -> f64 {
    sum as f64 / window.days() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn v(from: &str, seq: i64, places: i32) -> CapacityVersion {
        CapacityVersion {
            valid_from: d(from),
            seq,
            places_per_week: Some(places),
            caseload_max: None,
        }
    }

    fn s(from: &str, seq: i64, status: ServiceStatus) -> StatusChange {
        StatusChange {
            valid_from: d(from),
            seq,
            status,
        }
    }

    fn w(from: &str, to: &str) -> Window {
        Window::parse(d(from), d(to)).unwrap()
    }

    #[test]
    fn with_no_capacity_recorded_capacity_is_zero() {
        assert_eq!(
            capacity_days(&[], &[], &w("2026-01-01", "2026-01-08")).places_per_week,
            0
        );
    }

    #[test]
    fn a_change_mid_window_is_weighted_by_days() {
        let versions = [v("2025-12-01", 1, 10), v("2026-01-05", 2, 3)];
        let window = w("2026-01-01", "2026-01-08");
        // 4 days at 10, 3 days at 3.
        assert_eq!(capacity_days(&versions, &[], &window).places_per_week, 49);
        assert_eq!(mean_per_day(49, &window), 7.0);
    }

    #[test]
    fn the_later_recorded_version_wins_a_tie() {
        let versions = [v("2026-01-01", 2, 8), v("2026-01-01", 1, 20)];
        assert_eq!(in_force(&versions, &[], d("2026-01-03")).places_per_week, 8);
    }

    #[test]
    fn a_future_version_is_not_in_force_yet() {
        let versions = [v("2026-01-01", 1, 5), v("2026-03-01", 2, 50)];
        assert_eq!(in_force(&versions, &[], d("2026-02-28")).places_per_week, 5);
    }

    #[test]
    fn paused_or_closed_days_offer_nothing() {
        let versions = [v("2025-01-01", 1, 7)];
        let statuses = [
            s("2025-01-01", 1, ServiceStatus::Open),
            s("2026-01-03", 2, ServiceStatus::Paused),
            s("2026-01-05", 3, ServiceStatus::Limited),
        ];
        // Open 2 days, paused 2, limited (still offering) 3.
        let window = w("2026-01-01", "2026-01-08");
        assert_eq!(
            capacity_days(&versions, &statuses, &window).places_per_week,
            35
        );
    }
}

/// The versions in force on some day of the window: the figures behind a
/// service's `C` and `K`.
pub fn versions_in_window(versions: &[CapacityVersion], window: &Window) -> Vec<CapacityVersion> {
    let mut sorted = versions.to_vec();
    sorted.sort_by_key(|v| (v.valid_from, v.seq));
    let mut out = Vec::new();
    for (i, v) in sorted.iter().enumerate() {
        let until = sorted.get(i + 1).map(|n| n.valid_from);
        if window.overlap_days(v.valid_from, until) > 0 {
            out.push(*v);
        }
    }
    out
}

#[cfg(test)]
mod in_window_tests {
    use super::*;

    #[test]
    fn only_versions_in_force_during_the_window_are_listed() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let v = |from: &str, seq| CapacityVersion {
            valid_from: d(from),
            seq,
            places_per_week: Some(1),
            caseload_max: None,
        };
        let versions = [
            v("2025-01-01", 1),
            v("2026-01-05", 2),
            v("2026-03-01", 3),
            v("2026-01-05", 4),
        ];
        let w = Window::parse(d("2026-01-01"), d("2026-02-01")).unwrap();
        let seqs: Vec<_> = versions_in_window(&versions, &w)
            .iter()
            .map(|v| v.seq)
            .collect();
        // 2 is replaced on its first day by 4, recorded later.
        assert_eq!(seqs, [1, 4]);
    }
}
