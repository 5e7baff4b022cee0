//! Parsed free text and identifiers: names and pseudonymous references.

use super::{pii, Invalid};

/// A required, trimmed piece of text with an upper bound on its length,
/// holding no personal data.
pub fn required(field: &str, raw: &str, max_chars: usize) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    pii::refuse(field, value)?;
    Ok(value.to_owned())
}

/// Optional text: blank becomes `None`.
pub fn optional(
    field: &str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => required(field, v, max_chars).map(Some),
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
        assert!(required("name", "   ", 10).is_err());
        assert_eq!(required("name", " Age UK ", 10).unwrap(), "Age UK");
    }

    #[test]
    fn text_carrying_contact_details_is_refused() {
        let err = optional("note", Some("her son's number is 07700 900123"), 100).unwrap_err();
        assert_eq!(err.field, "note");
        assert!(PseudonymousRef::parse("reference", "SP-9434765919").is_err());
    }

    #[test]
    fn overlong_text_is_refused() {
        assert!(required("name", "abcdef", 5).is_err());
    }

    #[test]
    fn a_reference_of_digits_only_is_refused() {
        assert!(PseudonymousRef::parse("reference", "9434765919").is_err());
        assert!(PseudonymousRef::parse("reference", "SP-2026-0001").is_ok());
    }
}
