//! Personal data that must never reach the database: free text is refused
//! when it carries an NHS number, an email address or a phone number.
//! Referrals hold a pseudonymous reference only.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

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

/// Characters that only format text (zero-width spaces, word joiners, soft
/// hyphens, direction marks): invisible, so they separate like a space.
static FORMAT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Cf}$").unwrap());
/// Every Unicode dash: hyphens, en and em dashes, the minus sign, …
static DASH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Dash}$").unwrap());
static DECIMAL_DIGIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\p{Nd}$").unwrap());

fn is(class: &Regex, c: char) -> bool {
    class.is_match(c.encode_utf8(&mut [0; 4]))
}

/// The value of a decimal digit of any script (Bengali `৯` is 9). Unicode
/// encodes each script's digits as one run of ten, zero first, so the
/// value is the distance from the start of the run, modulo ten.
fn digit_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return c.to_digit(10);
    }
    if !is(&DECIMAL_DIGIT, c) {
        return None;
    }
    let mut first = c as u32;
    while first > 0 && char::from_u32(first - 1).is_some_and(|p| is(&DECIMAL_DIGIT, p)) {
        first -= 1;
    }
    Some((c as u32 - first) % 10)
}

/// `text` folded for matching: Unicode NFKC (full-width digits and
/// punctuation become ASCII, every no-break and thin space a space), the
/// digits of any script ASCII, and every variety of one separator written
/// one way: spaces and invisible characters `' '`, line breaks `'\n'`,
/// dashes `'-'`, slashes `'/'`, middle dots `'.'`.
pub fn fold(text: &str) -> String {
    text.nfkc()
        .map(|c| match c {
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => '\n',
            '/' | '\\' | '\u{2044}' | '\u{2215}' | '\u{29f8}' => '/',
            '\u{b7}' | '\u{2027}' | '\u{2219}' | '\u{22c5}' | '\u{30fb}' | '\u{3002}' => '.',
            c if c.is_whitespace() => ' ',
            c if c.is_ascii() => c,
            c if is(&FORMAT, c) => ' ',
            c if is(&DASH, c) => '-',
            c => digit_value(c)
                .and_then(|d| char::from_digit(d, 10))
                .unwrap_or(c),
        })
        .collect()
}

/// A character that may stand between the groups of one written number.
fn separates(c: char) -> bool {
    matches!(c, ' ' | '-' | '/' | '.' | '_' | '(' | ')')
}

/// Whether the folded characters between two groups of digits join them
/// into one number: separators only, on one line, and at most two marks and
/// two brackets ("943 476", "943 - 476", "(0121) 496", "+44 (0)20").
fn joins(gap: &[char]) -> bool {
    let marks = gap
        .iter()
        .filter(|c| matches!(c, '-' | '/' | '.' | '_'))
        .count();
    let brackets = gap.iter().filter(|c| matches!(c, '(' | ')')).count();
    gap.iter().all(|c| separates(*c)) && marks <= 2 && brackets <= 2
}

/// One unbroken group of digits in folded text.
struct Group {
    digits: Vec<u8>,
    start: usize,
    end: usize,
}

/// A written number: whether `+` came just before it, and its groups.
type Number = (bool, Vec<Group>);

/// The groups of digits in `chars`, and the numbers they make: runs of
/// groups joined by separators. A group glued to a letter is a code
/// ("E05000001") and stands alone; a date with a four-digit year
/// ("2026-11-30", "30/11/2026") is a number of its own too, unless the same
/// mark carries on before or after it.
fn numbers(chars: &[char]) -> Vec<Number> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits = chars[start..i].iter().map(|c| *c as u8 - b'0').collect();
            groups.push(Group {
                digits,
                start,
                end: i,
            });
        } else {
            i += 1;
        }
    }
    let glued = |g: &Group| {
        (g.start > 0 && chars[g.start - 1].is_alphabetic())
            || chars.get(g.end).is_some_and(|c| c.is_alphabetic())
    };
    // `+` just before the first group (maybe across a space or bracket).
    let international = |g: &Group| {
        chars[..g.start]
            .iter()
            .rev()
            .take(3)
            .find(|c| !matches!(c, ' ' | '('))
            == Some(&'+')
    };
    let mut runs: Vec<Number> = Vec::new();
    let mut previous_glued = true;
    for g in groups {
        let is_glued = glued(&g);
        let joined = !is_glued
            && !previous_glued
            && runs
                .last()
                .and_then(|(_, run)| run.last())
                .is_some_and(|last| joins(&chars[last.end..g.start]));
        previous_glued = is_glued;
        match runs.last_mut() {
            Some((_, run)) if joined => run.push(g),
            _ => runs.push((international(&g), vec![g])),
        }
    }
    let mut out = Vec::new();
    for (plus, run) in runs {
        split_dates(chars, plus, run, &mut out);
    }
    out
}

/// Splits `run` where it holds a date, which becomes a number of its own.
fn split_dates(chars: &[char], plus: bool, run: Vec<Group>, out: &mut Vec<Number>) {
    let mark = |a: &Group, b: &Group| match &chars[a.end..b.start] {
        [m @ ('-' | '/' | '.')] => Some(*m),
        _ => None,
    };
    let value = |g: &Group| g.digits.iter().fold(0u32, |n, d| n * 10 + u32::from(*d));
    let year = |g: &Group| g.digits.len() == 4 && (1900..2100).contains(&value(g));
    let month = |g: &Group| g.digits.len() <= 2 && (1..=12).contains(&value(g));
    let day = |g: &Group| g.digits.len() <= 2 && (1..=31).contains(&value(g));
    let found = (0..run.len().saturating_sub(2)).find(|&i| {
        let (a, b, c) = (&run[i], &run[i + 1], &run[i + 2]);
        let Some(m) = mark(a, b).filter(|m| mark(b, c) == Some(*m)) else {
            return false;
        };
        let carries_on = (i > 0 && mark(&run[i - 1], a) == Some(m))
            || run.get(i + 3).is_some_and(|d| mark(c, d) == Some(m));
        !carries_on && ((year(a) && month(b) && day(c)) || (day(a) && month(b) && year(c)))
    });
    match found {
        None => out.push((plus, run)),
        Some(i) => {
            let mut run = run;
            let rest = run.split_off(i + 3);
            let date = run.split_off(i);
            if !run.is_empty() {
                out.push((plus, run));
            }
            out.push((false, date));
            split_dates(chars, false, rest, out);
        }
    }
}

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

/// E.164: a country code and number of at most 15 digits; 8 is the
/// shortest this treats as a phone number.
const INTERNATIONAL_DIGITS: std::ops::RangeInclusive<usize> = 8..=15;

/// A phone number: a UK number dialled at home (a `0`, then 10 or 11
/// digits in all), or an international one (after `+` or `00`).
fn is_phone_number(plus: bool, digits: &[u8]) -> bool {
    match digits {
        _ if plus => INTERNATIONAL_DIGITS.contains(&digits.len()),
        [0, 0, rest @ ..] => rest.first() != Some(&0) && INTERNATIONAL_DIGITS.contains(&rest.len()),
        [0, ..] => (10..=11).contains(&digits.len()),
        _ => false,
    }
}

/// What a written number carries. The whole number is checked, and so is
/// every stretch of it that starts a phone number (`0`, `00` or `+`), and
/// every stretch written as an NHS number (one group of ten, or 3-3-4),
/// so "07700 900123 3 times" is still a phone number.
fn carries(plus: bool, run: &[Group]) -> Option<Found> {
    let all: Vec<u8> = run.iter().flat_map(|g| g.digits.iter().copied()).collect();
    if is_nhs_number(&all) {
        return Some(Found::NhsNumber);
    }
    for from in 0..run.len() {
        let sizes: Vec<usize> = run[from..].iter().take(3).map(|g| g.digits.len()).collect();
        let nhs_shaped = match sizes[..] {
            [10, ..] => 1,
            [3, 3, 4] => 3,
            _ => 0,
        };
        if nhs_shaped > 0 {
            let digits: Vec<u8> = run[from..from + nhs_shaped]
                .iter()
                .flat_map(|g| g.digits.iter().copied())
                .collect();
            if is_nhs_number(&digits) {
                return Some(Found::NhsNumber);
            }
        }
        let plus = plus && from == 0;
        let mut digits = Vec::new();
        for g in &run[from..] {
            digits.extend_from_slice(&g.digits);
            if digits.len() > 2 + INTERNATIONAL_DIGITS.end() {
                break;
            }
            if is_phone_number(plus, &digits) {
                return Some(Found::PhoneNumber);
            }
        }
    }
    None
}

/// The first piece of personal data in `text`, if any. The text is folded
/// first (see `fold`), so the way it is spelt does not matter.
pub fn find(text: &str) -> Option<Found> {
    let folded = fold(text);
    if EMAIL.is_match(&folded) {
        return Some(Found::Email);
    }
    let chars: Vec<char> = folded.chars().collect();
    numbers(&chars)
        .iter()
        .find_map(|(plus, run)| carries(*plus, run))
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
    use proptest::prelude::*;

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
    fn an_nhs_number_spaced_with_unicode_spaces_is_found() {
        for text in [
            "943\u{a0}476\u{a0}5919",
            "NHS no 943\u{202f}476\u{202f}5919",
            "943\u{2009}476\u{2009}5919",
            "943\u{3000}476\u{200b}5919",
        ] {
            assert_eq!(find(text), Some(Found::NhsNumber), "{text:?}");
        }
    }

    #[test]
    fn an_nhs_number_written_with_slashes_or_spaced_dashes_is_found() {
        for text in [
            "943/476/5919",
            "943 - 476 - 5919",
            "943 \u{2013} 476 \u{2013} 5919",
            "943\u{2011}476\u{2011}5919",
            "943 / 476 / 5919",
            "943_476_5919",
        ] {
            assert_eq!(find(text), Some(Found::NhsNumber), "{text:?}");
        }
    }

    #[test]
    fn an_nhs_number_in_full_width_or_bengali_digits_is_found() {
        for text in [
            "\u{ff19}\u{ff14}\u{ff13}\u{ff14}\u{ff17}\u{ff16}\u{ff15}\u{ff19}\u{ff11}\u{ff19}",
            "\u{ff19}\u{ff14}\u{ff13}\u{ff0d}\u{ff14}\u{ff17}\u{ff16}\u{ff0d}\u{ff15}\u{ff19}\u{ff11}\u{ff19}",
            "\u{9ef}\u{9ea}\u{9e9} \u{9ea}\u{9ed}\u{9ec} \u{9eb}\u{9ef}\u{9e7}\u{9ef}",
        ] {
            assert_eq!(find(text), Some(Found::NhsNumber), "{text:?}");
        }
    }

    #[test]
    fn a_phone_number_with_a_00_international_prefix_is_found() {
        for text in [
            "0044 7700 900123",
            "ring 0044 (0)20 7946 0958",
            "00 44 7700 900 123",
            "\u{ff10}\u{ff10}\u{ff14}\u{ff14} 7700 900123",
        ] {
            assert_eq!(find(text), Some(Found::PhoneNumber), "{text:?}");
        }
    }

    #[test]
    fn a_phone_number_with_spaced_dashes_or_odd_spaces_is_found() {
        for text in [
            "07700 - 900 123",
            "07700\u{a0}900\u{a0}123",
            "0121 / 496 / 0000",
            "+44\u{202f}7700\u{202f}900123",
        ] {
            assert_eq!(find(text), Some(Found::PhoneNumber), "{text:?}");
        }
    }

    #[test]
    fn a_number_beside_other_numbers_is_still_found() {
        assert_eq!(find("call 07700 900123 3 times"), Some(Found::PhoneNumber));
        assert_eq!(find("room 2 0121 496 0000"), Some(Found::PhoneNumber));
        assert_eq!(find("943 476 5919 12 visits"), Some(Found::NhsNumber));
    }

    #[test]
    fn dates_times_money_codes_and_counts_are_not_personal_data() {
        for text in [
            "2026-11-30",
            "from 2026-12-01 10 places a week",
            "on 30/11/2026 13 people came",
            "30.11.2026 at 10.30 and 12.45",
            "10:30 to 12:00, 2026\u{2013}11\u{2013}30",
            "\u{a3}1,250.00 for 12 people",
            "\u{a3}1,250,000.00 over 3 years",
            "ward E05000001",
            "ward E05000001 12 people",
            "12 people",
            "SP-2026-0001",
            "ages 18 - 25, 3 of 10 sessions",
            "charity 1234567",
            "GB-COH-01234567",
        ] {
            assert_eq!(find(text), None, "{text:?}");
        }
    }

    #[test]
    fn folding_writes_each_separator_one_way() {
        assert_eq!(fold("943\u{a0}476\u{202f}5919"), "943 476 5919");
        assert_eq!(fold("943 \u{2013} 476\u{2212}5919"), "943 - 476-5919");
        assert_eq!(fold("\u{ff19}\u{ff14}\u{ff13}\u{ff0f}\u{ff14}"), "943/4");
        assert_eq!(fold("\u{9ef}\u{9ea}\u{9e9}\u{200b}1"), "943 1");
        assert_eq!(fold("a\u{2028}b"), "a\nb");
        assert_eq!(fold("Caf\u{e9} \u{a3}12"), "Caf\u{e9} \u{a3}12");
    }

    #[test]
    fn numbers_on_separate_lines_are_separate_numbers() {
        assert_eq!(find("tables\n0121\n496\n0000"), None);
        assert_eq!(find("rooms 12\n943 476 5919"), Some(Found::NhsNumber));
    }

    #[test]
    fn refusal_names_the_field() {
        let err = refuse("note", "ring 07700 900123").unwrap_err();
        assert_eq!(err.field, "note");
        assert!(err.message.contains("phone number"));
    }

    /// The digits of a valid NHS number: nine at random and their modulus
    /// 11 check digit (nine digits whose check would be 10 are skipped).
    fn nhs_number() -> impl Strategy<Value = String> {
        prop::array::uniform9(0u32..10).prop_filter_map("a check digit of 10", |nine| {
            let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
            let check = (11 - sum % 11) % 11;
            (check != 10).then(|| {
                nine.iter()
                    .chain([&check])
                    .map(|d| char::from_digit(*d, 10).unwrap())
                    .collect()
            })
        })
    }

    /// A UK mobile or landline number as dialled at home, leading 0 and all.
    fn uk_phone_number() -> impl Strategy<Value = String> {
        let prefix = prop::sample::select(vec![
            ("07", 9), // mobile: 07xxx xxxxxx
            ("01", 9), // geographic: 01xxx xxxxxx
            ("01", 8), // geographic, ten digits: 01xxx xxxxx
            ("02", 9), // geographic: 02x xxxx xxxx
            ("03", 9), // non-geographic: 03xx xxx xxxx
            ("0800", 6),
            ("0800", 7),
        ]);
        (prefix, prop::collection::vec(0u32..10, 9)).prop_map(|((start, len), rest)| {
            let digits: String = rest[..len]
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap())
                .collect();
            format!("{start}{digits}")
        })
    }

    /// The separators people put between groups of digits.
    const SEPARATORS: [&str; 11] = [
        " ",
        "\u{a0}",
        "\u{202f}",
        "\u{2009}",
        "-",
        " - ",
        "\u{2013}",
        " \u{2013} ",
        "/",
        ".",
        "",
    ];

    /// `digits` cut into groups at random places, joined by `sep`.
    fn grouped(digits: &str, cuts: &[prop::sample::Index], sep: &str) -> String {
        let mut at: Vec<usize> = cuts.iter().map(|c| 1 + c.index(digits.len() - 1)).collect();
        at.sort_unstable();
        at.dedup();
        let mut out = String::new();
        let mut from = 0;
        for to in at.into_iter().chain([digits.len()]) {
            if from > 0 {
                out.push_str(sep);
            }
            out.push_str(&digits[from..to]);
            from = to;
        }
        out
    }

    /// Printable ASCII as its full-width form, a space as an ideographic space.
    fn full_width(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01).unwrap(),
                other => other,
            })
            .collect()
    }

    fn word() -> impl Strategy<Value = String> {
        "[A-Za-z]{1,10}"
    }

    /// Optional words before and after a rendered number.
    fn in_words(number: &str, before: &[String], after: &[String], close: &str) -> String {
        let mut text = before.join(" ");
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(number);
        if !after.is_empty() {
            text.push_str(close);
            text.push_str(&after.join(" "));
        }
        text
    }

    proptest! {
        #[test]
        fn any_valid_nhs_number_is_refused_however_it_is_written(
            number in nhs_number(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
            sep in prop::sample::select(SEPARATORS.to_vec()),
            wide in any::<bool>(),
            before in prop::collection::vec(word(), 0..3),
            after in prop::collection::vec(word(), 0..3),
            close in prop::sample::select(vec![" ", ". ", ", ", "; "]),
        ) {
            let mut written = grouped(&number, &cuts, sep);
            if wide {
                written = full_width(&written);
            }
            let text = in_words(&written, &before, &after, close);
            prop_assert_eq!(find(&text), Some(Found::NhsNumber), "{:?}", text);
            prop_assert!(refuse("note", &text).is_err());
        }

        #[test]
        fn any_uk_phone_number_is_refused_however_it_is_written(
            number in uk_phone_number(),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
            sep in prop::sample::select(SEPARATORS.to_vec()),
            abroad in prop::sample::select(vec!["", "+44", "0044", "+44 (0)", "0044 (0)"]),
            wide in any::<bool>(),
            before in prop::collection::vec(word(), 0..3),
            after in prop::collection::vec(word(), 0..3),
            close in prop::sample::select(vec![" ", ". ", ", ", "; "]),
        ) {
            let mut written = if abroad.is_empty() {
                grouped(&number, &cuts, sep)
            } else {
                // Dialled from abroad: the country code, then the number
                // without its leading 0 (or with it in brackets).
                let country = abroad.trim_end_matches(" (0)");
                let trunk = if abroad.ends_with("(0)") { "(0)" } else { "" };
                let sep_after_country = if sep.is_empty() { " " } else { sep };
                format!("{country}{sep_after_country}{trunk}{}", grouped(&number[1..], &cuts, sep))
            };
            if wide {
                written = full_width(&written);
            }
            // Some NHS-shaped phone numbers are NHS numbers too; either way
            // the text is refused.
            let text = in_words(&written, &before, &after, close);
            prop_assert!(find(&text).is_some(), "{:?}", text);
            prop_assert!(refuse("note", &text).is_err());
        }

        #[test]
        fn words_and_short_numbers_pass(
            words in prop::collection::vec(word(), 1..12),
            numbers in prop::collection::vec(
                prop::option::of(prop_oneof![
                    (0u32..100_000).prop_map(|n| n.to_string()),
                    "[0-9]{1,5}",
                    (2000u32..2040, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
                    (2000u32..2040, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{d:02}/{m:02}/{y}")),
                    (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h:02}:{m:02}")),
                    (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h}.{m:02}")),
                    (1u32..1000, 0u32..1000, 0u32..100).prop_map(|(a, b, p)| format!("\u{a3}{a},{b:03}.{p:02}")),
                    "E0[5-9][0-9]{6}",
                ]),
                12,
            ),
            joins in prop::collection::vec(prop::sample::select(vec![" ", ", ", " - ", "; ", ". ", " / "]), 24),
        ) {
            // Numbers never stand side by side: a word always comes between.
            let mut text = String::new();
            let mut j = joins.iter();
            for (w, n) in words.iter().zip(&numbers) {
                if !text.is_empty() {
                    text.push_str(j.next().unwrap());
                }
                text.push_str(w);
                if let Some(n) = n {
                    text.push_str(j.next().unwrap());
                    text.push_str(n);
                }
            }
            prop_assert_eq!(find(&text), None, "{:?}", text);
        }
    }
}
