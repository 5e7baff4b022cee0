//! Uncommissioned value: hours of unpaid work for the system × an hourly
//! rate the caller states. A contribution recorded for a period counts in
//! a window by the days of its period inside the window.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::ToPrimitive;

use super::funding::{round_half_even, sum_fractions};

/// Hours and value of a group's contributions in a window, from the
/// database's `Σ minutes × days inside` per contribution length.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncommissioned {
    pub hours: f64,
    pub value_pence: i64,
    pub rate_pence: i64,
}

impl Uncommissioned {
    pub fn of(terms: impl IntoIterator<Item = (i64, i64)>, rate_pence: i64) -> Self {
        let minutes = sum_fractions(terms);
        let value = &minutes * BigRational::new(BigInt::from(rate_pence), BigInt::from(60));
        Self {
            hours: (minutes / BigInt::from(60)).to_f64().unwrap_or(0.0),
            value_pence: round_half_even(&value),
            rate_pence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_of_work_half_inside_the_window_counts_half() {
        // 30 hours over 30 days, 15 of them inside: 15 hours at £12.21.
        let u = Uncommissioned::of([(30 * 60 * 15, 30)], 1221);
        assert_eq!(u.hours, 15.0);
        assert_eq!(u.value_pence, 18_315);
    }

    #[test]
    fn value_rounds_once_half_to_even() {
        // 1 minute at 30p an hour is half a penny: rounds to 0, 3 minutes to 2.
        assert_eq!(Uncommissioned::of([(1, 1)], 30).value_pence, 0);
        assert_eq!(Uncommissioned::of([(3, 1)], 30).value_pence, 2);
    }
}
