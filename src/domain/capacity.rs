//! Capacity as a provider states it: places per week (throughput services)
//! and/or a maximum active caseload (one-to-one services).

use super::bounds::{self, MAX_CASELOAD, MAX_PLACES_PER_WEEK};
use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub places_per_week: Option<i32>,
    pub caseload_max: Option<i32>,
}

impl Capacity {
    /// Each figure from 0 to its bound (`bounds::MAX_PLACES_PER_WEEK`,
    /// `bounds::MAX_CASELOAD`); at least one given.
    pub fn parse(places_per_week: Option<i32>, caseload_max: Option<i32>) -> Result<Self, Invalid> {
        for (field, value, max) in [
            ("placesPerWeek", places_per_week, MAX_PLACES_PER_WEEK),
            ("caseloadMax", caseload_max, MAX_CASELOAD),
        ] {
            if let Some(v) = value {
                bounds::count(field, v, max)?;
            }
        }
        if places_per_week.is_none() && caseload_max.is_none() {
            return Err(Invalid::new(
                "placesPerWeek",
                "give places per week, a caseload maximum, or both",
            ));
        }
        Ok(Self {
            places_per_week,
            caseload_max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_capacity_is_refused_naming_the_field() {
        assert_eq!(
            Capacity::parse(Some(-1), None).unwrap_err().field,
            "placesPerWeek"
        );
        assert_eq!(
            Capacity::parse(None, Some(-3)).unwrap_err().field,
            "caseloadMax"
        );
    }

    #[test]
    fn capacity_above_its_bound_is_refused() {
        assert!(Capacity::parse(Some(MAX_PLACES_PER_WEEK), None).is_ok());
        assert_eq!(
            Capacity::parse(Some(MAX_PLACES_PER_WEEK + 1), None)
                .unwrap_err()
                .field,
            "placesPerWeek"
        );
        assert_eq!(
            Capacity::parse(None, Some(i32::MAX)).unwrap_err().field,
            "caseloadMax"
        );
    }

    #[test]
    fn capacity_needs_at_least_one_figure() {
        assert!(Capacity::parse(None, None).is_err());
        assert!(Capacity::parse(Some(0), None).is_ok());
        assert!(Capacity::parse(None, Some(12)).is_ok());
    }
}
