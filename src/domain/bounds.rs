//! The bounds of every value that enters through the API, in one place.
//!
//! A caller's date, amount of money, count or text is parsed against these
//! before anything is written or computed; a value outside them is refused
//! naming its field. They are far wider than any real value, and narrow
//! enough that a typo (an extra zero, a year 20266) or a hostile value
//! (`i64::MAX` pence, year 0) cannot reach the database or a total.
//!
//! | value | bound |
//! | --- | --- |
//! | a day (capacity from, contribution period, review date, window start) | 1990-01-01 to 2100-12-31, both included |
//! | a window's `to` (the first day *after* the window) | 1990-01-02 to 2101-01-01, so a window can end on the last day |
//! | a unit cost, a per-referral tariff | 0 to £1,000,000 (100,000,000 pence) |
//! | a funding award | 0 to £1,000,000,000 (100,000,000,000 pence) |
//! | an hourly rate for valuing unpaid work | 0 to £1,000 (100,000 pence) |
//! | places per week, caseload maximum | 0 to 10,000 |
//! | volunteers, paid staff with a skill | 0 to 100,000 |
//! | hours in one contribution record | more than 0, at most 8,784 (a leap year of round-the-clock work) |
//! | an age | 0 to 130 years |
//! | a likelihood or impact rating | 1 to 5 (`register::rating`) |
//! | a search distance | more than 0, at most 50 km |
//! | a latitude, a longitude | -90 to 90, -180 to 180 degrees |
//! | a text | at most the characters of its kind ([`Text`]); no control characters |
//!
//! Sums stay exact: 60,000 services at the largest unit cost, each with a
//! million referrals, still total far below `i64::MAX` pence.
//!
//! Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F)
//! are refused in every text: they do not print, they break logs, CSV
//! exports and terminals, and they hide what a name really says. Long free
//! text ([`Text::multiline`]: descriptions, notes, evidence, actions) may
//! hold line feeds and tabs; a CR LF pair is kept as a line feed.

use chrono::{Days, NaiveDate};

use super::Invalid;

/// The first day any date may be.
pub const FIRST_DAY: NaiveDate = day_of(1990, 1, 1);
/// The last day any date may be.
pub const LAST_DAY: NaiveDate = day_of(2100, 12, 31);

const fn day_of(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("a calendar day"),
    }
}

/// A day from [`FIRST_DAY`] to [`LAST_DAY`].
pub fn day(field: &str, value: NaiveDate) -> Result<NaiveDate, Invalid> {
    if (FIRST_DAY..=LAST_DAY).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("{value} is not a day from {FIRST_DAY} to {LAST_DAY}"),
        ))
    }
}

/// The end of a half-open window `[from, to)`: the first day after its last
/// day, so from the day after [`FIRST_DAY`] to the day after [`LAST_DAY`].
pub fn window_end(field: &str, value: NaiveDate) -> Result<NaiveDate, Invalid> {
    let ok = value > FIRST_DAY && value.checked_sub_days(Days::new(1)) <= Some(LAST_DAY);
    if ok {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!(
                "{value} cannot end a window: its last day (the day before) must be from {FIRST_DAY} to {LAST_DAY}"
            ),
        ))
    }
}

/// What an amount of money is for; each has its own ceiling, and none may
/// be negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Money {
    /// The cost of one episode of a service.
    UnitCost,
    /// What a per-referral tariff pays for one referral.
    Tariff,
    /// A funding award, whole.
    Award,
    /// An hourly rate for valuing unpaid work.
    HourlyRate,
}

impl Money {
    /// The most it may be, in pence.
    pub const fn max_pence(self) -> i64 {
        match self {
            Money::UnitCost | Money::Tariff => 100_000_000,
            Money::Award => 100_000_000_000,
            Money::HourlyRate => 100_000,
        }
    }

    fn what(self) -> &'static str {
        match self {
            Money::UnitCost => "a unit cost",
            Money::Tariff => "a tariff",
            Money::Award => "an award",
            Money::HourlyRate => "an hourly rate",
        }
    }
}

/// An amount of money of a kind, in pence: from 0 to its ceiling.
pub fn money(field: &str, kind: Money, pence: i64) -> Result<i64, Invalid> {
    if pence < 0 {
        return Err(Invalid::new(
            field,
            format!("{} cannot be negative", kind.what()),
        ));
    }
    let max = kind.max_pence();
    if pence > max {
        return Err(Invalid::new(
            field,
            format!(
                "{} is at most {max} pence (£{}); got {pence}",
                kind.what(),
                max / 100
            ),
        ));
    }
    Ok(pence)
}

/// The most places a week, or the largest caseload, one service may state.
pub const MAX_PLACES_PER_WEEK: i32 = 10_000;
pub const MAX_CASELOAD: i32 = 10_000;
/// The most volunteers, or paid staff, with one skill in one organisation.
pub const MAX_HEADCOUNT: i32 = 100_000;
/// The most hours one contribution record may hold: a leap year of
/// round-the-clock work.
pub const MAX_CONTRIBUTION_HOURS: f64 = 8_784.0;
/// The oldest age a service may name.
pub const MAX_AGE: i32 = 130;

/// The furthest a service search may reach, in km.
pub const MAX_SEARCH_DISTANCE_KM: f64 = 50.0;

/// A search distance: more than 0 km, at most [`MAX_SEARCH_DISTANCE_KM`].
pub fn search_distance(field: &str, km: f64) -> Result<f64, Invalid> {
    if km > 0.0 && km <= MAX_SEARCH_DISTANCE_KM {
        Ok(km)
    } else {
        Err(Invalid::new(
            field,
            format!("must be more than 0 and at most {MAX_SEARCH_DISTANCE_KM}"),
        ))
    }
}

/// A latitude, in degrees: -90 to 90.
pub fn latitude(field: &str, degrees: f64) -> Result<f64, Invalid> {
    within_degrees(field, degrees, 90.0)
}

/// A longitude, in degrees: -180 to 180.
pub fn longitude(field: &str, degrees: f64) -> Result<f64, Invalid> {
    within_degrees(field, degrees, 180.0)
}

fn within_degrees(field: &str, degrees: f64, limit: f64) -> Result<f64, Invalid> {
    if (-limit..=limit).contains(&degrees) {
        Ok(degrees)
    } else {
        Err(Invalid::new(
            field,
            format!("must be between -{limit} and {limit}"),
        ))
    }
}

/// A count of things or people: from 0 to `max`.
pub fn count(field: &str, value: i32, max: i32) -> Result<i32, Invalid> {
    if (0..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("must be from 0 to {max}; got {value}"),
        ))
    }
}

/// Hours of work in one record: more than 0, at most
/// [`MAX_CONTRIBUTION_HOURS`], and a number.
pub fn hours(field: &str, value: f64) -> Result<f64, Invalid> {
    if value.is_finite() && value > 0.0 && value <= MAX_CONTRIBUTION_HOURS {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("must be more than 0 and at most {MAX_CONTRIBUTION_HOURS}"),
        ))
    }
}

/// The kinds of text a caller writes, each with its longest length in
/// characters and whether it may span lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The name of an organisation, venue or service.
    Name,
    /// Who owns a register entry.
    Owner,
    /// A postcode as written.
    Postcode,
    /// What a service does.
    Description,
    /// A note on a capacity, status, contribution, referral or search.
    Note,
    /// The evidence for a register entry.
    Evidence,
    /// The action on a register entry.
    Action,
}

impl Text {
    pub const fn max_chars(self) -> usize {
        match self {
            Text::Name | Text::Owner => 200,
            Text::Postcode => 10,
            Text::Note => 1_000,
            Text::Action => 2_000,
            Text::Description | Text::Evidence => 4_000,
        }
    }

    /// Whether line feeds and tabs are allowed.
    pub const fn multiline(self) -> bool {
        matches!(
            self,
            Text::Description | Text::Note | Text::Evidence | Text::Action
        )
    }
}

/// Refuses control characters (category Cc), except line feeds and tabs
/// where `multiline`.
pub fn refuse_control_characters(field: &str, value: &str, multiline: bool) -> Result<(), Invalid> {
    match value
        .chars()
        .find(|&c| c.is_control() && !(multiline && matches!(c, '\n' | '\t')))
    {
        None => Ok(()),
        Some(c) => Err(Invalid::new(
            field,
            format!(
                "must not hold control characters (found U+{:04X}){}",
                c as u32,
                if multiline {
                    "; only line breaks and tabs are allowed"
                } else {
                    ""
                }
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_first_and_last_days_are_accepted_and_the_days_beyond_are_not() {
        assert_eq!(day("validFrom", d("1990-01-01")).unwrap(), d("1990-01-01"));
        assert_eq!(day("validFrom", d("2100-12-31")).unwrap(), d("2100-12-31"));
        assert!(day("validFrom", d("1989-12-31")).is_err());
        assert_eq!(
            day("validFrom", d("2101-01-01")).unwrap_err().field,
            "validFrom"
        );
    }

    #[test]
    fn year_zero_negative_years_and_five_digit_years_are_refused() {
        for raw in [
            NaiveDate::from_ymd_opt(0, 1, 1),
            NaiveDate::from_ymd_opt(-1, 1, 1),
            NaiveDate::from_ymd_opt(99_999, 1, 1),
            NaiveDate::from_ymd_opt(9_999, 12, 31),
        ] {
            assert!(day("reviewDate", raw.unwrap()).is_err(), "{raw:?}");
        }
        assert!(day("reviewDate", NaiveDate::MIN).is_err());
        assert!(day("reviewDate", NaiveDate::MAX).is_err());
    }

    #[test]
    fn a_window_may_end_the_day_after_the_last_day_but_no_later() {
        assert!(window_end("window.to", d("2101-01-01")).is_ok());
        assert!(window_end("window.to", d("2101-01-02")).is_err());
        assert!(window_end("window.to", d("1990-01-02")).is_ok());
        assert!(window_end("window.to", d("1990-01-01")).is_err());
        assert!(window_end("window.to", NaiveDate::MIN).is_err());
        assert!(window_end("window.to", NaiveDate::MAX).is_err());
    }

    #[test]
    fn money_is_never_negative_and_never_above_its_ceiling() {
        assert!(money("unitCost", Money::UnitCost, -1).is_err());
        assert_eq!(money("unitCost", Money::UnitCost, 0).unwrap(), 0);
        assert_eq!(
            money("unitCost", Money::UnitCost, 100_000_000).unwrap(),
            100_000_000
        );
        assert!(money("unitCost", Money::UnitCost, 100_000_001).is_err());
        assert!(money("unitCost", Money::UnitCost, i64::MAX).is_err());
        assert!(money("amount", Money::Award, 100_000_000_000).is_ok());
        assert!(money("amount", Money::Award, 100_000_000_001).is_err());
        assert!(money("hourlyRate", Money::HourlyRate, 100_001).is_err());
    }

    #[test]
    fn the_largest_amounts_still_sum_exactly_in_64_bits() {
        let services = 60_000_i64;
        let referrals_each = 1_000_000_i64;
        let cost = Money::UnitCost
            .max_pence()
            .checked_mul(services)
            .and_then(|c| c.checked_mul(referrals_each));
        assert!(cost.is_some());
        let awards = Money::Award
            .max_pence()
            .checked_mul(services)
            .and_then(|a| a.checked_mul(10));
        assert!(awards.is_some(), "ten top awards for every service");
    }

    #[test]
    fn counts_run_from_zero_to_their_maximum() {
        assert!(count("volunteers", -1, MAX_HEADCOUNT).is_err());
        assert!(count("volunteers", MAX_HEADCOUNT, MAX_HEADCOUNT).is_ok());
        assert!(count("volunteers", MAX_HEADCOUNT + 1, MAX_HEADCOUNT).is_err());
    }

    #[test]
    fn coordinates_and_distances_must_be_numbers_within_range() {
        assert!(latitude("latitude", 90.0).is_ok());
        assert!(latitude("latitude", 90.5).is_err());
        assert!(latitude("latitude", f64::NAN).is_err());
        assert!(longitude("longitude", -180.0).is_ok());
        assert!(longitude("longitude", f64::NEG_INFINITY).is_err());
        assert!(search_distance("maxDistanceKm", 0.0).is_err());
        assert!(search_distance("maxDistanceKm", f64::NAN).is_err());
        assert!(search_distance("maxDistanceKm", MAX_SEARCH_DISTANCE_KM).is_ok());
    }

    #[test]
    fn hours_must_be_a_positive_number_within_a_year() {
        assert!(hours("hours", 0.0).is_err());
        assert!(hours("hours", f64::NAN).is_err());
        assert!(hours("hours", f64::INFINITY).is_err());
        assert!(hours("hours", MAX_CONTRIBUTION_HOURS).is_ok());
        assert!(hours("hours", MAX_CONTRIBUTION_HOURS + 0.1).is_err());
    }

    #[test]
    fn control_characters_are_refused_but_notes_may_break_lines() {
        assert!(refuse_control_characters("name", "Age\u{7}UK", false).is_err());
        assert!(refuse_control_characters("name", "Age UK\n", false).is_err());
        assert!(refuse_control_characters("name", "Age\u{85}UK", false).is_err());
        assert!(refuse_control_characters("note", "line one\nline\ttwo", true).is_ok());
        assert!(refuse_control_characters("note", "bell\u{7}", true).is_err());
        assert!(refuse_control_characters("name", "Café Ümit · 🌳", false).is_ok());
    }

    proptest! {
        #[test]
        fn any_day_is_accepted_exactly_when_it_lies_within_the_bounds(days in -1_000_000i64..1_000_000) {
            let value = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            prop_assert_eq!(day("d", value).is_ok(), FIRST_DAY <= value && value <= LAST_DAY);
            prop_assert_eq!(
                window_end("d", value).is_ok(),
                FIRST_DAY < value && value <= LAST_DAY + chrono::Duration::days(1)
            );
        }

        #[test]
        fn any_amount_is_accepted_exactly_when_it_lies_from_zero_to_the_ceiling(pence in any::<i64>()) {
            for kind in [Money::UnitCost, Money::Tariff, Money::Award, Money::HourlyRate] {
                prop_assert_eq!(money("m", kind, pence).is_ok(), (0..=kind.max_pence()).contains(&pence));
            }
        }

        #[test]
        fn text_with_any_control_character_is_refused(
            before in "[a-zA-Z ]{0,8}",
            c in prop::sample::select((0u32..0x20).chain(0x7f..0xa0).collect::<Vec<_>>()),
            after in "[a-zA-Z ]{0,8}",
        ) {
            let c = char::from_u32(c).unwrap();
            let text = format!("{before}{c}{after}");
            prop_assert!(refuse_control_characters("name", &text, false).is_err());
            prop_assert_eq!(
                refuse_control_characters("note", &text, true).is_ok(),
                c == '\n' || c == '\t'
            );
        }
    }
}
