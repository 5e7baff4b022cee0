//! When a change is in effect: from its start week, growing linearly to full
//! effect over its ramp-up (recruiting link workers takes time), until its
//! end week (funding ends), if it has one. Weeks count from 0, the first
//! week after the baseline.

use super::Horizon;
use crate::domain::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schedule {
    start: u32,
    ramp: u32,
    end: Option<u32>,
}

impl Schedule {
    /// `field` names the change; the parts are `field.startWeek`,
    /// `field.rampWeeks` and `field.endWeek`.
    pub fn parse(
        field: &str,
        horizon: Horizon,
        start: i64,
        ramp: i64,
        end: Option<i64>,
    ) -> Result<Self, Invalid> {
        let weeks = i64::from(horizon.weeks());
        if !(0..weeks).contains(&start) {
            return Err(Invalid::new(
                format!("{field}.startWeek"),
                format!("must be a week of the horizon, 0 to {}", weeks - 1),
            ));
        }
        if !(0..=weeks).contains(&ramp) {
            return Err(Invalid::new(
                format!("{field}.rampWeeks"),
                format!("must be 0 to the horizon's {weeks} weeks"),
            ));
        }
        if let Some(end) = end {
            if end <= start || end > weeks {
                return Err(Invalid::new(
                    format!("{field}.endWeek"),
                    format!("must be after the start week and at most {weeks}"),
                ));
            }
        }
        // In range: each fits in u32 as the horizon does.
        Ok(Self {
            start: start as u32,
            ramp: ramp as u32,
            end: end.map(|e| e as u32),
        })
    }

    /// The week it starts.
    pub fn start(&self) -> u32 {
        self.start
    }

    /// Weeks to reach full effect.
    pub fn ramp(&self) -> u32 {
        self.ramp
    }

    /// The week it stops, if it does.
    pub fn end(&self) -> Option<u32> {
        self.end
    }

    /// The share of the change's full effect in `week`: 0 before the start
    /// and from the end on; 1/ramp, 2/ramp, … up to 1 while it ramps up.
    pub fn factor(&self, week: u32) -> f64 {
        if week < self.start || self.end.is_some_and(|e| week >= e) {
            return 0.0;
        }
        if self.ramp == 0 {
            return 1.0;
        }
        (f64::from(week - self.start + 1) / f64::from(self.ramp)).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn horizon(weeks: i64) -> Horizon {
        Horizon::parse("horizonWeeks", weeks).unwrap()
    }

    #[test]
    fn a_change_ramps_up_linearly_from_its_start_and_stops_at_its_end() {
        let s = Schedule::parse("changes.0", horizon(52), 2, 4, Some(10)).unwrap();
        let factors: Vec<f64> = (0..12).map(|w| s.factor(w)).collect();
        assert_eq!(
            factors,
            [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
        );
    }

    #[test]
    fn a_change_without_ramp_or_end_is_in_full_effect_from_its_start() {
        let s = Schedule::parse("changes.0", horizon(52), 0, 0, None).unwrap();
        assert_eq!(s.factor(0), 1.0);
        assert_eq!(s.factor(51), 1.0);
    }

    #[test]
    fn a_ramp_longer_than_the_horizon_is_refused_naming_it() {
        let err = Schedule::parse("changes.1", horizon(12), 0, 13, None).unwrap_err();
        assert_eq!(err.field, "changes.1.rampWeeks");
    }

    #[test]
    fn a_start_outside_the_horizon_or_an_end_before_the_start_is_refused() {
        assert_eq!(
            Schedule::parse("c", horizon(12), 12, 0, None)
                .unwrap_err()
                .field,
            "c.startWeek"
        );
        assert_eq!(
            Schedule::parse("c", horizon(12), 5, 0, Some(5))
                .unwrap_err()
                .field,
            "c.endWeek"
        );
        assert_eq!(
            Schedule::parse("c", horizon(12), 5, 0, Some(13))
                .unwrap_err()
                .field,
            "c.endWeek"
        );
    }
}
