//! Organisation identifiers in the shapes their registers issue: charity
//! numbers, Companies House numbers and org-id identifiers. Each is parsed
//! (spaces dropped, letters upper-cased) into its one written form, or
//! refused naming the field.

use super::Invalid;

/// A registered charity number, in the form its regulator writes it:
///
/// - England and Wales (Charity Commission): 6 or 7 digits, e.g. `279417`,
///   `1090095`; a linked (subsidiary) charity adds `-` and its number,
///   e.g. `1090095-1` (the register's `linked_charity_number`).
///   Sources: the Charity Commission register download's field list;
///   org-id.guide `GB-CHC` example identifiers.
/// - Scotland (OSCR): `SC` and 6 digits, e.g. `SC042386`.
///   Source: org-id.guide `GB-SC` example identifiers.
/// - Northern Ireland (Charity Commission for Northern Ireland): `NIC` and
///   6 digits, e.g. `NIC100002`; the register numbers its charities from
///   100001.
///
/// HMRC's older `XN`/`XR` references for Northern Ireland charities are not
/// charity register numbers and are not accepted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharityNumber(String);

impl CharityNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let value = compact(raw);
        let ok = if let Some(rest) = value.strip_prefix("NIC") {
            digits(rest, 6..=6)
        } else if let Some(rest) = value.strip_prefix("SC") {
            digits(rest, 6..=6)
        } else {
            match value.split_once('-') {
                Some((main, linked)) => digits(main, 6..=7) && digits(linked, 1..=3),
                None => digits(&value, 6..=7),
            }
        };
        if !ok {
            return Err(Invalid::new(
                field,
                "a charity number is 6 or 7 digits (England and Wales, optionally -N for a linked charity), SC and 6 digits (Scotland) or NIC and 6 digits (Northern Ireland)",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The two-character prefixes Companies House puts before 6 digits, by
/// register and kind of entity. Source: Companies House company number
/// prefixes (as listed in its bulk data products guidance and summarised
/// at chguide.co.uk/general/company-number.html).
pub const COMPANY_PREFIXES: &[(&str, &str)] = &[
    ("AC", "assurance company, England and Wales"),
    (
        "CE",
        "charitable incorporated organisation, England and Wales",
    ),
    ("CS", "charitable incorporated organisation, Scotland"),
    ("EN", "European company (SE), Northern Ireland"),
    ("ES", "European company (SE), Scotland"),
    ("FC", "overseas company"),
    ("FE", "further education or sixth form college corporation"),
    (
        "GE",
        "European economic interest grouping, England and Wales",
    ),
    (
        "GN",
        "European economic interest grouping, Northern Ireland",
    ),
    ("GS", "European economic interest grouping, Scotland"),
    (
        "IC",
        "investment company with variable capital, England and Wales",
    ),
    ("IP", "industrial and provident society, England and Wales"),
    ("LP", "limited partnership, England and Wales"),
    ("NA", "assurance company, Northern Ireland"),
    ("NC", "limited liability partnership, Northern Ireland"),
    (
        "NF",
        "overseas company, Northern Ireland (before October 2009)",
    ),
    ("NI", "company, Northern Ireland"),
    ("NL", "limited partnership, Northern Ireland"),
    ("NO", "industrial and provident society, Northern Ireland"),
    ("NP", "industrial and provident society, Northern Ireland"),
    ("NR", "royal charter company, Northern Ireland"),
    (
        "NV",
        "investment company with variable capital, Northern Ireland",
    ),
    ("NZ", "unregistered company, Northern Ireland"),
    ("OC", "limited liability partnership, England and Wales"),
    ("R0", "company, Northern Ireland (before partition)"),
    ("RC", "royal charter company, England and Wales"),
    ("RS", "registered society"),
    ("SA", "assurance company, Scotland"),
    ("SC", "company, Scotland"),
    ("SE", "European company (SE), England and Wales"),
    ("SF", "overseas company, Scotland (before October 2009)"),
    ("SG", "Scottish qualifying partnership"),
    ("SI", "investment company with variable capital, Scotland"),
    ("SL", "limited partnership, Scotland"),
    ("SO", "limited liability partnership, Scotland"),
    ("SP", "industrial and provident society, Scotland"),
    ("SR", "royal charter company, Scotland"),
    ("SZ", "unregistered company, Scotland"),
    ("ZC", "unregistered company, England and Wales"),
];

/// A Companies House company number: 8 characters, either 8 digits
/// (England and Wales) or a two-character prefix from
/// [`COMPANY_PREFIXES`] and 6 digits. An all-digit number written short
/// (`1234567`, leading zeros dropped) is padded with zeros to 8.
/// Source: Companies Act 2006 s.1066 (the registered number); Companies
/// House numbers are 8 characters, e.g. `09506232`, `SC234456`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyNumber(String);

impl CompanyNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let value = compact(raw);
        if digits(&value, 1..=8) && value.bytes().any(|b| b != b'0') {
            return Ok(Self(format!("{value:0>8}")));
        }
        let known = value.len() == 8
            && value.is_char_boundary(2)
            && COMPANY_PREFIXES.iter().any(|(p, _)| value.starts_with(p))
            && digits(&value[2..], 6..=6);
        if !known {
            return Err(Invalid::new(
                field,
                "a company number is 8 digits, or a Companies House prefix (such as SC, NI, OC, CE, RS) and 6 digits",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The org-id.guide lists an identifier may come from, and the shape of the
/// identifier within each. Source: org-id.guide (the org-id/register
/// repository, `lists/gb/*.json` and `lists/xi/*.json`), and the 360Giving
/// standard's own `360G-` prefix for organisations no list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// An England and Wales charity number (6 or 7 digits).
    CharityEw,
    /// A Scottish charity number (`SC` and 6 digits).
    CharityScotland,
    /// A Northern Ireland charity number without `NIC` (6 digits).
    CharityNi,
    /// A company number (normalised like [`CompanyNumber`]).
    Company,
    /// Exactly this many digits.
    Digits(usize),
    /// Letters and digits, up to this many.
    Code(usize),
    /// Any visible ASCII but spaces, up to 100 characters.
    Free,
}

const ORG_ID_LISTS: &[(&str, Shape)] = &[
    // Charity Commission for England and Wales; e.g. GB-CHC-1090095.
    ("GB-CHC", Shape::CharityEw),
    // Office of the Scottish Charity Regulator; e.g. GB-SC-SC042386.
    ("GB-SC", Shape::CharityScotland),
    // Charity Commission for Northern Ireland; e.g. GB-NIC-100002.
    ("GB-NIC", Shape::CharityNi),
    // Companies House; e.g. GB-COH-09506232.
    ("GB-COH", Shape::Company),
    // Department for Education URNs; e.g. GB-EDU-125554.
    ("GB-EDU", Shape::Digits(6)),
    // UK Register of Learning Providers; e.g. GB-UKPRN-10000346.
    ("GB-UKPRN", Shape::Digits(8)),
    // Government Organisation Register; e.g. GB-GOR-PB1.
    ("GB-GOR", Shape::Code(16)),
    // Local authorities in England, Scotland, Northern Ireland and Wales
    // (register codes); e.g. GB-LAE-BIR.
    ("GB-LAE", Shape::Code(8)),
    ("GB-LAS", Shape::Code(8)),
    ("GB-LANI", Shape::Code(8)),
    ("GB-PLA", Shape::Code(8)),
    // NHS Organisation Data Service codes; e.g. GB-NHS-RJ1.
    ("GB-NHS", Shape::Code(8)),
    // Mutuals Public Register; e.g. GB-MPR-IP031455, GB-MPR-235C.
    ("GB-MPR", Shape::Code(12)),
    // Registered social housing providers in England; e.g. GB-SHPE-LH4401.
    ("GB-SHPE", Shape::Code(8)),
    // International lists.
    ("XI-IATI", Shape::Free),
    ("XI-GRID", Shape::Free),
    ("XI-ROR", Shape::Free),
    ("XI-LEI", Shape::Code(20)),
    ("XI-WIKIDATA", Shape::Free),
    ("XI-PB", Shape::Free),
    // 360Giving's own identifiers for organisations on no list:
    // 360G-<publisher>-<their id>.
    ("360G", Shape::Free),
];

/// An org-id identifier (`PREFIX-ID`, as 360Giving data uses them), from a
/// known list and with the ID in that list's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgId(String);

impl OrgId {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let found = ORG_ID_LISTS.iter().find(|(prefix, _)| {
            value.as_bytes().get(prefix.len()) == Some(&b'-')
                && value
                    .get(..prefix.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        });
        let Some((prefix, shape)) = found else {
            return Err(Invalid::new(
                field,
                format!(
                    "an org-id starts with a known list prefix ({}) and a dash",
                    ORG_ID_LISTS
                        .iter()
                        .map(|(p, _)| *p)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let id = &value[prefix.len() + 1..];
        let wrong = |what: &str| Invalid::new(field, format!("after {prefix}- comes {what}"));
        let id = match *shape {
            Shape::CharityEw => {
                let id = compact(id);
                if !digits(&id, 6..=7) {
                    return Err(wrong("a charity number of 6 or 7 digits"));
                }
                id
            }
            Shape::CharityScotland => {
                let id = compact(id);
                if !id.strip_prefix("SC").is_some_and(|d| digits(d, 6..=6)) {
                    return Err(wrong("a Scottish charity number (SC and 6 digits)"));
                }
                id
            }
            Shape::CharityNi => {
                let id = compact(id);
                if !digits(&id, 6..=6) {
                    return Err(wrong("a Northern Ireland charity number (6 digits)"));
                }
                id
            }
            Shape::Company => {
                CompanyNumber::parse(field, id)
                    .map_err(|_| wrong("a company number"))?
                    .0
            }
            Shape::Digits(n) => {
                if !digits(id, n..=n) {
                    return Err(wrong(&format!("{n} digits")));
                }
                id.to_owned()
            }
            Shape::Code(n) => {
                let id = id.to_ascii_uppercase();
                if id.is_empty() || id.len() > n || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(wrong(&format!("a code of up to {n} letters and digits")));
                }
                id
            }
            Shape::Free => {
                let ok = (1..=100).contains(&id.len()) && id.chars().all(|c| c.is_ascii_graphic());
                if !ok {
                    return Err(wrong(
                        "an identifier of 1 to 100 visible characters without spaces",
                    ));
                }
                id.to_owned()
            }
        };
        Ok(Self(format!("{prefix}-{id}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Upper case, without spaces (registers print some numbers spaced).
fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase()
}

fn digits(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn charity_numbers_of_each_register_are_accepted_in_their_written_form() {
        for (raw, written) in [
            ("279417", "279417"),
            ("1090095", "1090095"),
            ("1090095-1", "1090095-1"),
            ("sc042386", "SC042386"),
            ("SC 042386", "SC042386"),
            ("NIC100002", "NIC100002"),
        ] {
            assert_eq!(
                CharityNumber::parse("charityNumber", raw).unwrap().as_str(),
                written
            );
        }
    }

    #[test]
    fn a_charity_number_of_the_wrong_shape_is_refused() {
        for raw in [
            "12",
            "DROP TABLE",
            "12345678",
            "SC12345",
            "NIC12345",
            "1090095-",
            "-1",
            "1090095-1-2",
            "XR12345",
            "١٢٣٤٥٦٧",
        ] {
            assert_eq!(
                CharityNumber::parse("charityNumber", raw)
                    .unwrap_err()
                    .field,
                "charityNumber",
                "{raw}"
            );
        }
    }

    #[test]
    fn a_short_company_number_is_padded_to_eight_digits() {
        assert_eq!(
            CompanyNumber::parse("companyNumber", "1234567")
                .unwrap()
                .as_str(),
            "01234567"
        );
        assert_eq!(
            CompanyNumber::parse("companyNumber", "09506232")
                .unwrap()
                .as_str(),
            "09506232"
        );
    }

    #[test]
    fn prefixed_company_numbers_need_a_known_prefix_and_six_digits() {
        for raw in ["SC234456", "ni012345", "OC301234", "R0000123", "CE001234"] {
            assert!(CompanyNumber::parse("companyNumber", raw).is_ok(), "{raw}");
        }
        for raw in [
            "123456789",
            "XX123456",
            "SC12345",
            "SC1234567",
            "SC-23445",
            "",
            "Ü1234567",
            "0",
        ] {
            assert!(CompanyNumber::parse("companyNumber", raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn org_ids_need_a_known_list_and_an_id_of_its_shape() {
        for (raw, written) in [
            ("GB-CHC-1090095", "GB-CHC-1090095"),
            ("gb-chc-279417", "GB-CHC-279417"),
            ("GB-SC-SC042386", "GB-SC-SC042386"),
            ("GB-NIC-100002", "GB-NIC-100002"),
            ("GB-COH-9506232", "GB-COH-09506232"),
            ("GB-COH-SC234456", "GB-COH-SC234456"),
            ("GB-EDU-125554", "GB-EDU-125554"),
            ("GB-UKPRN-10000346", "GB-UKPRN-10000346"),
            ("GB-LAE-BIR", "GB-LAE-BIR"),
            ("GB-NHS-RJ1", "GB-NHS-RJ1"),
            ("GB-MPR-IP031455", "GB-MPR-IP031455"),
            ("GB-SHPE-LH4401", "GB-SHPE-LH4401"),
            ("XI-GRID-grid.1234.5", "XI-GRID-grid.1234.5"),
            ("360G-HEADROOM-SYN-0000001", "360G-HEADROOM-SYN-0000001"),
        ] {
            assert_eq!(
                OrgId::parse("orgIdentifier", raw).unwrap().as_str(),
                written
            );
        }
    }

    #[test]
    fn an_org_id_with_an_unknown_prefix_or_a_wrong_id_is_refused() {
        for raw in [
            "XX-ABC-123",
            "GB-CHC",
            "GB-CHC-",
            "GB-CHC-12",
            "GB-CHC-SC042386",
            "GB-SC-042386",
            "GB-COH-XX123456",
            "GB-EDU-12345",
            "GB-LAE-B I R",
            "XI-ROR-has space",
            "1090095",
        ] {
            assert_eq!(
                OrgId::parse("orgIdentifier", raw).unwrap_err().field,
                "orgIdentifier",
                "{raw}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_england_and_wales_charity_number_round_trips(n in 100_000u32..10_000_000) {
            let raw = n.to_string();
            let parsed = CharityNumber::parse("c", &raw).unwrap();
            prop_assert_eq!(parsed.as_str(), raw.as_str());
            let org = format!("GB-CHC-{raw}");
            let parsed = OrgId::parse("o", &org).unwrap();
            prop_assert_eq!(parsed.as_str(), org.as_str());
        }

        #[test]
        fn any_all_digit_company_number_is_eight_digits_once_parsed(n in 1u32..100_000_000) {
            let parsed = CompanyNumber::parse("c", &n.to_string()).unwrap();
            prop_assert_eq!(parsed.as_str().len(), 8);
            prop_assert_eq!(parsed.as_str().parse::<u32>().unwrap(), n);
        }

        #[test]
        fn no_identifier_parser_panics_or_lets_control_characters_through(raw in "\\PC{0,12}|[\\x00-\\x1f]{1,3}") {
            for ok in [
                CharityNumber::parse("c", &raw).ok().map(|v| v.0),
                CompanyNumber::parse("c", &raw).ok().map(|v| v.0),
                OrgId::parse("c", &raw).ok().map(|v| v.0),
            ].into_iter().flatten() {
                prop_assert!(!ok.chars().any(char::is_control), "{ok:?}");
            }
        }
    }
}
