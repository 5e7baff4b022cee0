//! Periods of days, inclusive at both ends, as providers and funders write
//! them ("1 April to 30 June").

use chrono::NaiveDate;

use super::bounds;
use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Both days within the bounds (`bounds::day`), the end not before the
    /// start; a refusal names the field at fault.
    pub fn parse(
        (start_field, start): (&str, NaiveDate),
        (end_field, end): (&str, NaiveDate),
    ) -> Result<Self, Invalid> {
        let start = bounds::day(start_field, start)?;
        let end = bounds::day(end_field, end)?;
        if end < start {
            return Err(Invalid::new(
                end_field,
                format!("ends ({end}) before it starts ({start})"),
            ));
        }
        Ok(Self { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let err = Period::parse(
            ("periodStart", d("2026-05-01")),
            ("periodEnd", d("2026-04-30")),
        )
        .unwrap_err();
        assert_eq!(err.field, "periodEnd");
    }

    #[test]
    fn a_one_day_period_is_fine() {
        assert!(Period::parse(("start", d("2026-05-01")), ("end", d("2026-05-01"))).is_ok());
    }

    #[test]
    fn a_period_outside_the_bounds_is_refused_naming_its_end() {
        let start = Period::parse(
            ("periodStart", d("1989-12-31")),
            ("periodEnd", d("2026-01-01")),
        );
        assert_eq!(start.unwrap_err().field, "periodStart");
        let end = Period::parse(
            ("periodStart", d("2026-01-01")),
            ("periodEnd", d("9999-12-31")),
        );
        assert_eq!(end.unwrap_err().field, "periodEnd");
        assert!(Period::parse(("s", d("1990-01-01")), ("e", d("2100-12-31"))).is_ok());
    }
}
