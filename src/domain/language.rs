//! Languages as ISO 639 codes: the two-letter ISO 639-1 code where one
//! exists, else the three-letter ISO 639-3 code (Sylheti is `syl`).

use super::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Accepts a known ISO 639-1 or ISO 639-3 code, in any case, and keeps the
    /// shortest code of that language (`ben` becomes `bn`).
    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let code = raw.trim().to_ascii_lowercase();
        let language = match code.len() {
            2 => isolang::Language::from_639_1(&code),
            3 => isolang::Language::from_639_3(&code),
            _ => None,
        };
        let language = language.ok_or_else(|| {
            Invalid::new(field, format!("'{raw}' is not an ISO 639 language code"))
        })?;
        Ok(Self(
            language
                .to_639_1()
                .map(str::to_owned)
                .unwrap_or_else(|| language.to_639_3().to_owned()),
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The English name of the language.
    pub fn name(&self) -> &'static str {
        let language = match self.0.len() {
            2 => isolang::Language::from_639_1(&self.0),
            _ => isolang::Language::from_639_3(&self.0),
        };
        language.map(|l| l.to_name()).unwrap_or("Unknown")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sylheti_is_known_by_its_639_3_code() {
        let code = LanguageCode::parse("language", "syl").unwrap();
        assert_eq!(code.as_str(), "syl");
        assert_eq!(code.name(), "Sylheti");
    }

    #[test]
    fn a_three_letter_code_with_a_two_letter_form_is_shortened() {
        assert_eq!(LanguageCode::parse("l", "BEN").unwrap().as_str(), "bn");
    }

    #[test]
    fn a_made_up_code_is_refused_naming_the_field() {
        let err = LanguageCode::parse("preferredLanguage", "xx").unwrap_err();
        assert_eq!(err.field, "preferredLanguage");
        assert!(LanguageCode::parse("l", "english").is_err());
    }
}
