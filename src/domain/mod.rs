//! Pure domain logic: coded values, parsed newtypes and rules. No I/O, no
//! database and no GraphQL here; every other layer builds on these types.

pub mod access;
pub mod age;
pub mod analytics;
pub mod bounds;
pub mod capability;
pub mod capacity;
pub mod codes;
pub mod disclosure;
pub mod identifiers;
pub mod language;
pub mod matching;
pub mod metrics;
pub mod money;
pub mod parallel;
pub mod period;
pub mod pii;
pub mod referral;
pub mod register;
pub mod scenario;
pub mod status;
pub mod text;

/// Why a value from outside was refused: which field, and a sentence a person
/// understands. The GraphQL layer turns it into `BAD_USER_INPUT`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
