//! Who a service takes by age: an optional youngest and oldest age, in
//! whole years, matched against a person's age band.

use super::bounds::{self, MAX_AGE};
use super::codes::AgeBand;
use super::Invalid;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgeRange {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

impl AgeBand {
    /// The first and last whole year of age in the band.
    pub fn years(self) -> (i32, i32) {
        match self {
            AgeBand::Under18 => (0, 17),
            AgeBand::From18To24 => (18, 24),
            AgeBand::From25To34 => (25, 34),
            AgeBand::From35To44 => (35, 44),
            AgeBand::From45To54 => (45, 54),
            AgeBand::From55To64 => (55, 64),
            AgeBand::From65To74 => (65, 74),
            AgeBand::From75To84 => (75, 84),
            AgeBand::From85 => (85, MAX_AGE),
        }
    }
}

impl AgeRange {
    /// The range from `min` to `max`, each checked under its own field
    /// name (`fields`: the input's names for the two).
    pub fn parse(
        fields: (&str, &str),
        min: Option<i32>,
        max: Option<i32>,
    ) -> Result<Self, Invalid> {
        for (field, v) in [(fields.0, min), (fields.1, max)] {
            if let Some(v) = v {
                bounds::count(field, v, MAX_AGE)?;
            }
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(Invalid::new(
                    fields.1,
                    format!("must not be below the youngest age ({lo})"),
                ));
            }
        }
        Ok(Self { min, max })
    }

    /// Whether someone in `band` may be within the range: a band that
    /// straddles a limit is taken, since some of its ages are.
    pub fn takes(&self, band: AgeBand) -> bool {
        let (lo, hi) = band.years();
        self.min.is_none_or(|m| hi >= m) && self.max.is_none_or(|m| lo <= m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: (&str, &str) = ("ageRange.min", "ageRange.max");

    #[test]
    fn no_limits_take_everyone() {
        let any = AgeRange::default();
        assert!(AgeBand::ALL.iter().all(|b| any.takes(*b)));
    }

    #[test]
    fn a_band_is_taken_when_any_of_its_ages_is() {
        let over_65 = AgeRange::parse(FIELDS, Some(65), None).unwrap();
        assert!(!over_65.takes(AgeBand::From55To64));
        assert!(over_65.takes(AgeBand::From65To74));
        let young_adults = AgeRange::parse(FIELDS, Some(16), Some(25)).unwrap();
        assert!(young_adults.takes(AgeBand::Under18));
        assert!(young_adults.takes(AgeBand::From25To34));
        assert!(!young_adults.takes(AgeBand::From35To44));
    }

    #[test]
    fn a_range_upside_down_or_out_of_bounds_is_refused() {
        assert!(AgeRange::parse(FIELDS, Some(65), Some(18)).is_err());
        assert!(AgeRange::parse(FIELDS, Some(-1), None).is_err());
        assert!(AgeRange::parse(FIELDS, None, Some(200)).is_err());
    }
}
