//! Scalars: `Date` (ISO 8601 day) and `Pence` (money, 64-bit safe).
//!
//! A value a caller sends in one of these cannot be read raw: its only
//! readers apply the domain bounds (`domain::bounds`) and name the field,
//! so no date or amount can reach a store call unchecked. Each type's
//! constructor for output is a function of the same name (`Date(day)`,
//! `Pence(pence)`), not a tuple field, for that reason.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::bounds::{self, Money};
use crate::domain::Invalid;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    day: NaiveDate,
}

/// A stored or computed day, for output.
#[allow(non_snake_case)]
pub const fn Date(day: NaiveDate) -> Date {
    Date { day }
}

impl Date {
    /// The day a caller sent, if it lies within the bounds.
    pub fn day(self, field: &str) -> Result<NaiveDate, Invalid> {
        bounds::day(field, self.day)
    }

    /// The day a caller sent as the end of a half-open window (the first
    /// day after it), if it lies within the bounds.
    pub fn window_end(self, field: &str) -> Result<NaiveDate, Invalid> {
        bounds::window_end(field, self.day)
    }
}

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("'{s}' is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.day.format("%Y-%m-%d").to_string())
    }
}

/// An amount of money in integer pence, sent as a string of digits so that
/// totals beyond 32 bits survive every JSON client. Accepts an integer too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pence {
    pence: i64,
}

/// A stored or computed amount, for output.
#[allow(non_snake_case)]
pub const fn Pence(pence: i64) -> Pence {
    Pence { pence }
}

impl Pence {
    /// The amount a caller sent, if it lies within the bounds of its kind.
    pub fn amount(self, field: &str, kind: Money) -> Result<i64, Invalid> {
        bounds::money(field, kind, self.pence)
    }
}

#[Scalar(name = "Pence")]
impl ScalarType for Pence {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s.trim().parse::<i64>().map(Pence).map_err(|_| {
                InputValueError::custom(format!("'{s}' is not a whole number of pence"))
            }),
            Value::Number(n) => n
                .as_i64()
                .map(Pence)
                .ok_or_else(|| InputValueError::custom("pence must be a whole number")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.pence.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_sent_outside_the_bounds_cannot_be_read() {
        let sent = <Date as ScalarType>::parse(Value::String("+99999-01-01".into()));
        if let Ok(sent) = sent {
            assert_eq!(sent.day("validFrom").unwrap_err().field, "validFrom");
        }
        let sent = <Date as ScalarType>::parse(Value::String("2100-12-31".into())).unwrap();
        assert!(sent.day("validFrom").is_ok());
        assert!(sent.window_end("window.to").is_ok());
    }

    #[test]
    fn an_amount_sent_above_its_ceiling_cannot_be_read() {
        let sent = <Pence as ScalarType>::parse(Value::String(i64::MAX.to_string())).unwrap();
        assert_eq!(
            sent.amount("unitCost", Money::UnitCost).unwrap_err().field,
            "unitCost"
        );
    }
}
