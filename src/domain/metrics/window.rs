//! A window: a half-open range of days `[from, to)`.

use chrono::{Duration, NaiveDate};

use crate::domain::{bounds, Invalid};

/// The longest window a query may ask for: three years of days.
pub const MAX_WINDOW_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    from: NaiveDate,
    to: NaiveDate,
}

impl Window {
    /// `from` a day within the bounds (`bounds::day`), `to` after it and at
    /// most the day after the last (`bounds::window_end`), and no longer
    /// than `MAX_WINDOW_DAYS`.
    pub fn parse(from: NaiveDate, to: NaiveDate) -> Result<Self, Invalid> {
        let from = bounds::day("window.from", from)?;
        let to = bounds::window_end("window.to", to)?;
        if to <= from {
            return Err(Invalid::new(
                "window.to",
                "must be after window.from (the window is [from, to))",
            ));
        }
        if (to - from).num_days() > MAX_WINDOW_DAYS {
            return Err(Invalid::new(
                "window",
                format!("may span at most {MAX_WINDOW_DAYS} days"),
            ));
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The first day after the window.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn last_day(&self) -> NaiveDate {
        self.to - Duration::days(1)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// `days / 7`; a fraction is fine.
    pub fn weeks(&self) -> f64 {
        self.days() as f64 / 7.0
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day < self.to
    }

    /// Days of `[from, to)` (an open end runs on for ever) inside the window.
    pub fn overlap_days(&self, from: NaiveDate, to: Option<NaiveDate>) -> i64 {
        let start = from.max(self.from);
        let end = to.map_or(self.to, |t| t.min(self.to));
        (end - start).num_days().max(0)
    }

    /// The window cut into weeks from its first day; the last may be short.
    pub fn weeks_in(&self) -> Vec<Window> {
        let mut out = Vec::new();
        let mut from = self.from;
        while from < self.to {
            let to = (from + Duration::days(7)).min(self.to);
            out.push(Window { from, to });
            from = to;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_window_is_half_open() {
        let w = Window::parse(d("2026-01-01"), d("2026-01-08")).unwrap();
        assert_eq!(w.days(), 7);
        assert_eq!(w.weeks(), 1.0);
        assert!(w.contains(d("2026-01-07")));
        assert!(!w.contains(d("2026-01-08")));
    }

    #[test]
    fn an_empty_or_backwards_window_is_refused() {
        assert!(Window::parse(d("2026-01-08"), d("2026-01-08")).is_err());
        assert!(Window::parse(d("2026-01-08"), d("2026-01-01")).is_err());
    }

    #[test]
    fn a_window_outside_the_bounds_is_refused_naming_its_end() {
        assert_eq!(
            Window::parse(d("1989-12-31"), d("1990-02-01"))
                .unwrap_err()
                .field,
            "window.from"
        );
        assert_eq!(
            Window::parse(d("2100-12-01"), d("2101-01-02"))
                .unwrap_err()
                .field,
            "window.to"
        );
        let year_zero = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        assert!(Window::parse(year_zero, year_zero + Duration::days(7)).is_err());
    }

    #[test]
    fn a_window_may_run_to_the_last_day_inclusive() {
        let w = Window::parse(d("2100-12-01"), d("2101-01-01")).unwrap();
        assert_eq!(w.last_day(), d("2100-12-31"));
        assert!(Window::parse(d("1990-01-01"), d("1990-01-02")).is_ok());
    }

    #[test]
    fn a_leap_year_window_has_366_days() {
        let w = Window::parse(d("2028-01-01"), d("2029-01-01")).unwrap();
        assert_eq!(w.days(), 366);
    }

    #[test]
    fn overlap_counts_only_days_inside() {
        let w = Window::parse(d("2026-01-10"), d("2026-01-20")).unwrap();
        assert_eq!(w.overlap_days(d("2026-01-01"), Some(d("2026-01-12"))), 2);
        assert_eq!(w.overlap_days(d("2026-01-15"), None), 5);
        assert_eq!(w.overlap_days(d("2026-02-01"), None), 0);
    }

    #[test]
    fn weeks_cover_the_window_exactly() {
        let w = Window::parse(d("2026-01-01"), d("2026-01-20")).unwrap();
        let weeks = w.weeks_in();
        assert_eq!(weeks.len(), 3);
        assert_eq!(weeks.iter().map(Window::days).sum::<i64>(), 19);
        assert_eq!(weeks[2].days(), 5);
    }
}
