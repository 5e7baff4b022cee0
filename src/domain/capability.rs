//! Capabilities: typed tags on a service. A language capability carries an
//! ISO 639 code; the other kinds draw from a fixed vocabulary each.

use super::codes::coded_enum;
use super::language::LanguageCode;
use super::Invalid;

coded_enum!(
    CapabilityKind {
        Language = "language",
        Accessibility = "accessibility",
        Culture = "culture",
        Faith = "faith",
        Dietary = "dietary",
        Condition = "condition",
        Gender = "gender",
    }
);

impl CapabilityKind {
    /// The codes a kind accepts; `None` for languages, which are ISO 639.
    pub fn vocabulary(self) -> Option<&'static [(&'static str, &'static str)]> {
        Some(match self {
            CapabilityKind::Language => return None,
            CapabilityKind::Accessibility => &[
                ("wheelchair_access", "Step-free, wheelchair accessible"),
                ("hearing_loop", "Hearing loop"),
                ("bsl", "British Sign Language"),
                ("large_print", "Large print and easy read"),
                ("transport_provided", "Transport provided"),
                ("home_visits", "Home visits"),
                ("online", "Online sessions"),
            ],
            CapabilityKind::Culture => &[
                ("south_asian", "South Asian communities"),
                ("bangladeshi", "Bangladeshi community"),
                ("pakistani", "Pakistani community"),
                ("somali", "Somali community"),
                ("eastern_european", "Eastern European communities"),
                ("african_caribbean", "African Caribbean communities"),
                ("lgbtq", "LGBTQ+ communities"),
                ("refugee", "Refugees and people seeking asylum"),
            ],
            CapabilityKind::Faith => &[
                ("muslim", "Muslim"),
                ("hindu", "Hindu"),
                ("sikh", "Sikh"),
                ("christian", "Christian"),
                ("jewish", "Jewish"),
                ("interfaith", "Interfaith"),
            ],
            CapabilityKind::Dietary => &[
                ("halal", "Halal food"),
                ("vegetarian", "Vegetarian food"),
                ("kosher", "Kosher food"),
            ],
            CapabilityKind::Condition => &[
                ("dementia_friendly", "Dementia friendly"),
                ("autism_friendly", "Autism friendly"),
                ("learning_disability", "Learning disability support"),
                ("mental_health_aware", "Mental health aware"),
                ("sight_loss", "Sight loss support"),
            ],
            CapabilityKind::Gender => &[
                ("women_only", "Women-only sessions"),
                ("men_only", "Men-only sessions"),
            ],
        })
    }
}

#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Capability {
    pub kind: CapabilityKind,
    pub code: String,
}

impl Capability {
    pub fn parse(field: &str, kind: CapabilityKind, code: &str) -> Result<Self, Invalid> {
        let code = match kind.vocabulary() {
            None => LanguageCode::parse(field, code)?.as_str().to_owned(),
            Some(vocabulary) => {
                let code = code.trim().to_ascii_lowercase();
                if !vocabulary.iter().any(|(c, _)| *c == code) {
                    let known: Vec<_> = vocabulary.iter().map(|(c, _)| *c).collect();
                    return Err(Invalid::new(
                        field,
                        format!(
                            "'{code}' is not a known {kind} capability (known: {})",
                            known.join(", ")
                        ),
                    ));
                }
                code
            }
        };
        Ok(Self { kind, code })
    }

    /// A label a person reads: the language name, or the vocabulary label.
    pub fn label(&self) -> String {
        match self.kind.vocabulary() {
            None => LanguageCode::parse("", &self.code)
                .map(|l| l.name().to_owned())
                .unwrap_or_else(|_| self.code.clone()),
            Some(v) => v
                .iter()
                .find(|(c, _)| *c == self.code)
                .map(|(_, l)| (*l).to_owned())
                .unwrap_or_else(|| self.code.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_capability_is_an_iso_639_code() {
        let c = Capability::parse("cap", CapabilityKind::Language, "syl").unwrap();
        assert_eq!(c.label(), "Sylheti");
        assert!(Capability::parse("cap", CapabilityKind::Language, "zz").is_err());
    }

    #[test]
    fn other_kinds_accept_only_their_vocabulary() {
        assert!(Capability::parse("cap", CapabilityKind::Gender, "women_only").is_ok());
        let err = Capability::parse("cap", CapabilityKind::Dietary, "women_only").unwrap_err();
        assert!(err.message.contains("halal"));
    }
}
