//! Personal data that must never reach the database: free text is refused
//! when it carries an NHS number, an email address or a phone number.
//! Referrals hold a pseudonymous reference only.

use std::sync::LazyLock;

use regex::Regex;

use super::Invalid;

/// What kind of personal data a piece of text carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    NhsNumber,
    Email,
    PhoneNumber,
}

impl Found {
    fn describe(self) -> &'static str {
        match self {
            Found::NhsNumber => "an NHS number",
            Found::Email => "an email address",
            Found::PhoneNumber => "a phone number",
        }
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").unwrap()
});

/// A run of digits that may be grouped by spaces, dots, hyphens or
/// brackets, with an optional leading `+`: how people write phone and NHS
/// numbers ("943 476 5919", "+44 (0)121 496 0000", "07700-900123").
static DIGIT_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\(?\d(?:[ .\-()]{0,2}\d)+").unwrap());

/// An NHS number: ten digits whose tenth is the modulus 11 check digit of
/// the first nine (weights 10 down to 2). Source: NHS Data Dictionary,
/// "NHS Number".
pub fn is_nhs_number(digits: &[u8]) -> bool {
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    let check = 11 - (sum % 11);
    let check = if check == 11 { 0 } else { check };
    check != 10 && u32::from(digits[9]) == check
}

/// A phone number: 10 to 15 digits written as one run, starting with `0`
/// (a UK number: 10 or 11 digits) or `+` (international, E.164: at most 15).
fn is_phone_number(run: &str, digits: &[u8]) -> bool {
    let international = run.starts_with('+');
    let national = digits.first() == Some(&0) && (10..=11).contains(&digits.len());
    national || (international && (8..=15).contains(&digits.len()))
}

/// The first piece of personal data in `text`, if any.
pub fn find(text: &str) -> Option<Found> {
    if EMAIL.is_match(text) {
        return Some(Found::Email);
    }
    for m in DIGIT_RUN.find_iter(text) {
        let run = m.as_str();
        let digits: Vec<u8> = run
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        if is_nhs_number(&digits) {
            return Some(Found::NhsNumber);
        }
        if is_phone_number(run, &digits) {
            return Some(Found::PhoneNumber);
        }
    }
    None
}

/// Refuses free text that carries personal data, naming the field.
pub fn refuse(field: &str, text: &str) -> Result<(), Invalid> {
    match find(text) {
        None => Ok(()),
        Some(found) => Err(Invalid::new(
            field,
            format!(
                "looks like it holds {}; Headroom keeps no personal details, so leave it out",
                found.describe()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_nhs_number_is_found_however_it_is_grouped() {
        // 943 476 5919 is the NHS Data Dictionary's example of a valid number.
        for text in ["9434765919", "seen as 943 476 5919 today", "943-476-5919"] {
            assert_eq!(find(text), Some(Found::NhsNumber), "{text}");
        }
    }

    #[test]
    fn ten_digits_failing_the_check_are_not_an_nhs_number() {
        assert!(!is_nhs_number(&[9, 4, 3, 4, 7, 6, 5, 9, 1, 8]));
        assert_eq!(find("ref 9434765918"), None);
    }

    #[test]
    fn a_check_digit_of_ten_is_never_valid() {
        assert!(is_nhs_number(&[0; 10]));
        // Nine digits whose weighted sum is 1 modulo 11 need a check digit
        // of 10, so no tenth digit makes them valid.
        let mut digits = [0u8; 10];
        digits[8] = 6;
        for last in 0..=9 {
            digits[9] = last;
            assert!(!is_nhs_number(&digits));
        }
    }

    #[test]
    fn emails_are_found() {
        assert_eq!(find("write to jo.bloggs@example.org"), Some(Found::Email));
        assert_eq!(find("jo@nhs.net"), Some(Found::Email));
        assert_eq!(find("meets @ the library"), None);
    }

    #[test]
    fn uk_and_international_phone_numbers_are_found() {
        for text in [
            "call 07700 900123",
            "0121 496 0000",
            "(0121) 496-0000",
            "+44 7700 900123",
            "+44 (0)20 7946 0958",
        ] {
            assert_eq!(find(text), Some(Found::PhoneNumber), "{text}");
        }
    }

    #[test]
    fn ordinary_numbers_are_not_personal_data() {
        for text in [
            "12 places a week from 2026-11-23",
            "waited 42 days; 3 of 10 sessions",
            "£1,250,000 over 3 years",
            "ward E05011118",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn refusal_names_the_field() {
        let err = refuse("note", "ring 07700 900123").unwrap_err();
        assert_eq!(err.field, "note");
        assert!(err.message.contains("phone number"));
    }
}
