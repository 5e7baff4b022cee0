//! Periods of days, inclusive at both ends, as providers and funders write
//! them ("1 April to 30 June").

use chrono::NaiveDate;

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    /// Refuses an end before the start, naming `end_field`.
    pub fn parse(end_field: &str, start: NaiveDate, end: NaiveDate) -> Result<Self, Invalid> {
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
        let err = Period::parse("periodEnd", d("2026-05-01"), d("2026-04-30")).unwrap_err();
        assert_eq!(err.field, "periodEnd");
    }

    #[test]
    fn a_one_day_period_is_fine() {
        assert!(Period::parse("end", d("2026-05-01"), d("2026-05-01")).is_ok());
    }
}
