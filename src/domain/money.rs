//! Money as integer pence. Totals need 64 bits; rounding happens once, at
//! the end of a computation, half to even.

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pence(i64);

impl Pence {
    /// An amount that may not be negative (an award, a unit cost, a tariff).
    pub fn non_negative(field: &str, pence: i64) -> Result<Self, Invalid> {
        if pence < 0 {
            return Err(Invalid::new(field, "an amount of money cannot be negative"));
        }
        Ok(Self(pence))
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
        assert!(Pence::non_negative("amount", -1).is_err());
        assert_eq!(Pence::non_negative("amount", 0).unwrap().get(), 0);
    }

    #[test]
    fn amounts_beyond_32_bits_are_kept_exactly() {
        let big = 900_000_000_000_i64;
        assert_eq!(Pence::non_negative("amount", big).unwrap().get(), big);
    }
}
