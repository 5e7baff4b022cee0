//! Parsed free text and identifiers: names and pseudonymous references.
//! Every text a caller writes comes through `required` or `optional`, which
//! apply the bounds of its kind (`bounds::Text`): length, no control
//! characters, no personal data.

use super::bounds::{self, Text};
use super::{pii, Invalid};

/// A required, trimmed piece of text of a kind, within that kind's bounds,
/// holding no personal data. In multi-line kinds a CR LF pair becomes a
/// line feed.
pub fn required(field: &str, raw: &str, kind: Text) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    let value = if kind.multiline() {
        value.replace("\r\n", "\n")
    } else {
        value.to_owned()
    };
    let max_chars = kind.max_chars();
    if value.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    bounds::refuse_control_characters(field, &value, kind.multiline())?;
    pii::refuse(field, &value)?;
    Ok(value)
}

/// Optional text: blank becomes `None`.
pub fn optional(field: &str, raw: Option<&str>, kind: Text) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required(field, v, kind).map(Some),
    }
}

/// A pseudonymous referral reference: letters, digits, `-` and `_`, 6 to 64
/// characters. It stands for a person without naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymousRef(String);

impl PseudonymousRef {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let ok_chars = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !(6..=64).contains(&value.len()) || !ok_chars {
            return Err(Invalid::new(
                field,
                "a reference is 6 to 64 letters, digits, '-' or '_'",
            ));
        }
        if value.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new(
                field,
                "a reference must not be all digits (it could be an NHS number)",
            ));
        }
        pii::refuse(field, value)?;
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_required_text_is_refused() {
        assert!(required("name", "   ", Text::Name).is_err());
        assert_eq!(required("name", " Age UK ", Text::Name).unwrap(), "Age UK");
    }

    #[test]
    fn text_carrying_contact_details_is_refused() {
        let err =
            optional("note", Some("her son's number is 07700 900123"), Text::Note).unwrap_err();
        assert_eq!(err.field, "note");
        assert!(PseudonymousRef::parse("reference", "SP-9434765919").is_err());
    }

    #[test]
    fn overlong_text_is_refused() {
        let long = "a".repeat(Text::Name.max_chars() + 1);
        assert!(required("name", &long, Text::Name).is_err());
        let longest = "a".repeat(Text::Name.max_chars());
        assert!(required("name", &longest, Text::Name).is_ok());
    }

    #[test]
    fn a_name_with_a_control_character_is_refused_naming_the_field() {
        assert_eq!(
            required("name", "Age\u{7}UK", Text::Name)
                .unwrap_err()
                .field,
            "name"
        );
        assert!(required("name", "Age\nUK", Text::Name).is_err());
        assert!(required("owner", "Public\thealth", Text::Owner).is_err());
    }

    #[test]
    fn a_note_may_span_lines_and_keeps_line_feeds_only() {
        assert_eq!(
            required("note", "first\r\nsecond\tthird", Text::Note).unwrap(),
            "first\nsecond\tthird"
        );
        assert!(required("note", "carriage\rreturn", Text::Note).is_err());
        assert!(required("note", "nul\u{0}", Text::Note).is_err());
    }

    #[test]
    fn a_reference_of_digits_only_is_refused() {
        assert!(PseudonymousRef::parse("reference", "9434765919").is_err());
        assert!(PseudonymousRef::parse("reference", "SP-2026-0001").is_ok());
    }
}
