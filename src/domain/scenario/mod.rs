//! "What if we add this gateway?": the scenario model, pure. A scenario
//! looks `horizon` weeks ahead; each change follows a `Schedule` (a start
//! week, a ramp-up, an optional end); each stream of extra referrals is
//! shared among the services that can receive it (`routing`); each
//! service's waiting list is projected week by week as a stock
//! (`projection`).

pub mod backtest;
pub mod change;
pub mod demand;
pub mod engine;
pub mod funding;
pub mod projection;
pub mod routing;
pub mod schedule;
pub mod series;
pub mod template;
pub mod uncertainty;

use super::Invalid;

/// A figure a run took as given, with where it came from: a published
/// default, the caller, or the baseline's history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assumption {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub source: String,
}

impl Assumption {
    pub fn new(name: impl Into<String>, value: f64, unit: &str, source: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value,
            unit: unit.to_owned(),
            source: source.into(),
        }
    }
}

/// The longest look ahead, in weeks: two years.
pub const MAX_HORIZON_WEEKS: u32 = 104;
/// The look ahead when a scenario states none: a year.
pub const DEFAULT_HORIZON_WEEKS: u32 = 52;

/// How many weeks a scenario looks ahead: 1 to 104.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Horizon(u32);

impl Horizon {
    pub fn parse(field: &str, weeks: i64) -> Result<Self, Invalid> {
        u32::try_from(weeks)
            .ok()
            .filter(|w| (1..=MAX_HORIZON_WEEKS).contains(w))
            .map(Horizon)
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    format!("a scenario looks 1 to {MAX_HORIZON_WEEKS} weeks ahead; got {weeks}"),
                )
            })
    }

    pub fn weeks(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_horizon_is_one_to_one_hundred_and_four_weeks() {
        assert!(Horizon::parse("horizonWeeks", 0).is_err());
        assert!(Horizon::parse("horizonWeeks", 105).is_err());
        assert_eq!(Horizon::parse("horizonWeeks", 104).unwrap().weeks(), 104);
        assert_eq!(
            Horizon::parse("horizonWeeks", -1).unwrap_err().field,
            "horizonWeeks"
        );
    }
}
