//! Scalars: `Date` (ISO 8601 day) and `Pence` (money, 64-bit safe).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

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
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An amount of money in integer pence, sent as a string of digits so that
/// totals beyond 32 bits survive every JSON client. Accepts an integer too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pence(pub i64);

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
        Value::String(self.0.to_string())
    }
}
