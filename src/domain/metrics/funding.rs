//! Funding gaps: the cost of the demand served against the funding
//! prorated to the period. Money is integer pence; the prorated funding is
//! an exact fraction until the single rounding, half to even, at the end.

use chrono::{Duration, NaiveDate};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use super::Window;

/// An award's planned period as a window: `[planned start, planned end]`
/// inclusive, or 365 days from the award date where no dates were planned
/// (from the planned start where only the end is missing).
pub fn award_period(
    award_date: NaiveDate,
    planned_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
) -> Window {
    let start = planned_start.unwrap_or(award_date);
    let end = match planned_end {
        Some(end) if end >= start => end + Duration::days(1),
        _ => start + Duration::days(365),
    };
    Window::parse(start, end).expect("an award period is at least one day")
}

/// `amount × days of the award's period inside the window ÷ days of the
/// period`, exactly.
pub fn prorated(amount_pence: i64, period: &Window, window: &Window) -> BigRational {
    let inside = window.overlap_days(period.from(), Some(period.to()));
    BigRational::new(
        BigInt::from(amount_pence) * BigInt::from(inside),
        BigInt::from(period.days()),
    )
}

/// Sums `numerator ÷ days` terms exactly (the database's per-denominator
/// sums of `amount × days inside`).
pub fn sum_fractions(terms: impl IntoIterator<Item = (i64, i64)>) -> BigRational {
    terms.into_iter().filter(|(_, days)| *days > 0).fold(
        BigRational::zero(),
        |acc, (numerator, days)| {
            acc + BigRational::new(BigInt::from(numerator), BigInt::from(days))
        },
    )
}

/// Rounds to whole pence, half to even.
pub fn round_half_even(value: &BigRational) -> i64 {
    let floor = value.floor();
    let fraction = value - &floor;
    let half = BigRational::new(BigInt::from(1), BigInt::from(2));
    let floor_int = floor.to_integer();
    let rounded = if fraction > half || (fraction == half && (&floor_int % 2u8) != BigInt::zero()) {
        floor_int + 1
    } else {
        floor_int
    };
    rounded.to_i64().unwrap_or(if value.is_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// A group's gap in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingGap {
    /// Referrals started in the period × unit cost.
    pub cost_pence: i64,
    /// Prorated awards plus tariffs earned, rounded once.
    pub funding_pence: i64,
    /// Cost − funding, rounded once: positive means under-funded.
    pub gap_pence: i64,
}

impl FundingGap {
    pub fn of(cost_pence: i64, prorated: &BigRational, tariffs_pence: i64) -> Self {
        let funding = prorated + BigRational::from_integer(BigInt::from(tariffs_pence));
        let gap = BigRational::from_integer(BigInt::from(cost_pence)) - &funding;
        Self {
            cost_pence,
            funding_pence: round_half_even(&funding),
            gap_pence: round_half_even(&gap),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn r(n: i64, den: i64) -> BigRational {
        BigRational::new(BigInt::from(n), BigInt::from(den))
    }

    #[test]
    fn an_award_without_dates_runs_365_days_from_its_award_date() {
        let p = award_period(d("2026-04-01"), None, None);
        assert_eq!(p.days(), 365);
        assert_eq!(p.from(), d("2026-04-01"));
    }

    #[test]
    fn planned_dates_are_inclusive() {
        let p = award_period(
            d("2026-01-15"),
            Some(d("2026-04-01")),
            Some(d("2027-03-31")),
        );
        assert_eq!(p.days(), 365);
        let leap = award_period(
            d("2027-01-15"),
            Some(d("2027-04-01")),
            Some(d("2028-03-31")),
        );
        assert_eq!(leap.days(), 366, "a year over 29 February 2028");
    }

    #[test]
    fn an_award_overlapping_the_period_is_prorated_by_days() {
        let period = award_period(
            d("2026-01-01"),
            Some(d("2026-01-01")),
            Some(d("2026-01-10")),
        );
        let window = Window::parse(d("2026-01-06"), d("2026-02-01")).unwrap();
        assert_eq!(prorated(1_000, &period, &window), r(500, 1));
    }

    #[test]
    fn rounding_is_half_to_even_and_once() {
        assert_eq!(round_half_even(&r(5, 2)), 2);
        assert_eq!(round_half_even(&r(7, 2)), 4);
        assert_eq!(round_half_even(&r(-5, 2)), -2);
        assert_eq!(round_half_even(&r(10, 3)), 3);
        // Thirds that add to a half: rounding each first would give 0 + 0.
        let sum = sum_fractions([(1, 3), (1, 6)]);
        assert_eq!(sum, r(1, 2));
        assert_eq!(round_half_even(&sum), 0);
        assert_eq!(round_half_even(&(sum + r(1, 1))), 2);
    }

    #[test]
    fn a_positive_gap_is_under_funded() {
        let gap = FundingGap::of(10_000, &r(7_500, 1), 1_000);
        assert_eq!(gap.funding_pence, 8_500);
        assert_eq!(gap.gap_pence, 1_500);
    }

    proptest! {
        /// Prorating an award over adjacent periods that cover its planned
        /// period gives back the whole award, exactly.
        #[test]
        fn prorated_funding_over_adjacent_periods_sums_to_the_award(
            amount in 0_i64..10_000_000_000, start in 0_i64..800, len in 1_i64..800,
            cuts in prop::collection::vec(1_i64..1_600, 0..5),
        ) {
            let day = |n: i64| d("2027-01-01") + Duration::days(n);
            let period = award_period(day(start), Some(day(start)), Some(day(start + len - 1)));
            let mut edges: Vec<i64> = cuts.into_iter().filter(|c| *c > start && *c < start + len).collect();
            edges.push(start);
            edges.push(start + len);
            edges.sort_unstable();
            edges.dedup();
            let total = edges
                .windows(2)
                .map(|e| prorated(amount, &period, &Window::parse(day(e[0]), day(e[1])).unwrap()))
                .fold(BigRational::zero(), |a, b| a + b);
            prop_assert_eq!(total, r(amount, 1));
        }
    }
}
