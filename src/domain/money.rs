//! Money as integer pence. Totals need 64 bits; rounding happens once, at
//! the end of a computation, half to even.

use super::bounds::{self, Money};
use super::Invalid;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Pence(i64);

impl Pence {
    /// An amount of a kind (a unit cost, an award, a tariff, an hourly
    /// rate), within that kind's bounds: never negative, never above its
    /// ceiling.
    pub fn parse(field: &str, kind: Money, pence: i64) -> Result<Self, Invalid> {
        bounds::money(field, kind, pence).map(Self)
    }

    /// An amount from the code itself (a computed total, a published
    /// default); a caller's amount goes through `parse`.
    pub const fn from_pence(pence: i64) -> Self {
        Self(pence)
    }

    pub const fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_amount_is_refused() {
        assert!(Pence::parse("amount", Money::Award, -1).is_err());
        assert_eq!(Pence::parse("amount", Money::Award, 0).unwrap().get(), 0);
    }

    #[test]
    fn amounts_beyond_32_bits_are_kept_exactly() {
        let big = 90_000_000_000_i64;
        assert_eq!(
            Pence::parse("amount", Money::Award, big).unwrap().get(),
            big
        );
    }

    #[test]
    fn a_unit_cost_of_i64_max_is_refused() {
        let err = Pence::parse("unitCost", Money::UnitCost, i64::MAX).unwrap_err();
        assert_eq!(err.field, "unitCost");
    }
}
