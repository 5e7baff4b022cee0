//! Capacity as a provider states it: places per week (throughput services)
//! and/or a maximum active caseload (one-to-one services).

use super::Invalid;

/// The most places or caseload one service may state; far above any real
/// community service, low enough to catch a typo of extra zeros.
pub const MAX_CAPACITY: i32 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub places_per_week: Option<i32>,
    pub caseload_max: Option<i32>,
}

impl Capacity {
    pub fn parse(places_per_week: Option<i32>, caseload_max: Option<i32>) -> Result<Self, Invalid> {
        for (field, value) in [
            ("placesPerWeek", places_per_week),
            ("caseloadMax", caseload_max),
        ] {
            if let Some(v) = value {
                if v < 0 {
                    return Err(Invalid::new(field, "capacity cannot be negative"));
                }
                if v > MAX_CAPACITY {
                    return Err(Invalid::new(
                        field,
                        format!("capacity above {MAX_CAPACITY} is not credible"),
                    ));
                }
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
    fn capacity_needs_at_least_one_figure() {
        assert!(Capacity::parse(None, None).is_err());
        assert!(Capacity::parse(Some(0), None).is_ok());
        assert!(Capacity::parse(None, Some(12)).is_ok());
    }
}
