//! Rates built from the sums: utilisation, headroom, decline rates.

/// How loaded a service is. `C = 0` with demand is over capacity, never
/// infinity or an error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Utilisation {
    /// Demand ÷ capacity (or mean caseload ÷ caseload capacity).
    Ratio(f64),
    /// Demand where no capacity was in force.
    OverWithNoCapacity,
    /// Neither capacity nor demand.
    Idle,
}

impl Utilisation {
    pub fn of(load: f64, capacity: f64) -> Self {
        if capacity > 0.0 {
            Utilisation::Ratio(load / capacity)
        } else if load > 0.0 {
            Utilisation::OverWithNoCapacity
        } else {
            Utilisation::Idle
        }
    }

    pub fn ratio(self) -> Option<f64> {
        match self {
            Utilisation::Ratio(r) => Some(r),
            _ => None,
        }
    }

    /// Over 1.0, or demand with no capacity at all.
    pub fn over_capacity(self) -> bool {
        match self {
            Utilisation::Ratio(r) => r > 1.0,
            Utilisation::OverWithNoCapacity => true,
            Utilisation::Idle => false,
        }
    }

    /// An order for "most over capacity first": no-capacity demand first.
    pub fn sort_key(self) -> f64 {
        match self {
            Utilisation::Ratio(r) => r,
            Utilisation::OverWithNoCapacity => f64::INFINITY,
            Utilisation::Idle => f64::NEG_INFINITY,
        }
    }
}

/// `C − D`; negative when over capacity.
pub fn headroom(capacity: f64, load: f64) -> f64 {
    capacity - load
}

/// `part ÷ whole`, none when nothing was answered.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demand_with_no_capacity_is_over_capacity_not_infinity() {
        let u = Utilisation::of(3.0, 0.0);
        assert!(u.over_capacity());
        assert_eq!(u.ratio(), None);
    }

    #[test]
    fn exactly_full_is_not_over() {
        assert!(!Utilisation::of(4.0, 4.0).over_capacity());
        assert!(Utilisation::of(4.5, 4.0).over_capacity());
        assert!(!Utilisation::of(0.0, 0.0).over_capacity());
    }

    #[test]
    fn headroom_can_be_negative() {
        assert_eq!(headroom(4.0, 6.5), -2.5);
    }

    #[test]
    fn a_rate_of_nothing_answered_is_none() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(1, 4), Some(0.25));
    }
}
