//! The one error type of Headroom. Each variant has a stable machine-readable
//! code (sent to clients as `extensions.code`) and a sentence a person can
//! act on. Internal causes are logged, never shown. Database errors map
//! onto it in `store::error`.

use crate::domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be accepted; names the field.
    #[error("{0}")]
    BadUserInput(#[from] Invalid),
    /// An id that does not exist, or that the caller may not see.
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    /// The caller's role or organisation does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// No key, an unknown key or a revoked key.
    #[error("{0}")]
    Unauthenticated(String),
    /// The change clashes with the current state (a duplicate, a stale version).
    #[error("{0}")]
    Conflict(String),
    /// The request ran past its time limit; nothing was changed.
    #[error("the request took longer than {0} seconds and was stopped; nothing was changed")]
    Timeout(u64),
    /// The database stopped a statement that ran past its time limit.
    #[error("the database stopped a statement that ran past its time limit; nothing was changed")]
    StatementTimeout,
    /// The key has used its share: too many requests in the last moments,
    /// or too many at once. Safe to retry after the seconds given.
    #[error(
        "this key is making requests faster than its limit allows; retry in {retry_after_secs} s"
    )]
    RateLimited { retry_after_secs: u64 },
    /// The answer grew past the configured size and was not sent.
    #[error("the answer would be larger than {0} bytes; ask for fewer items or fewer fields")]
    ResponseTooLarge(usize),
    /// A researcher's question would answer with more cells than allowed;
    /// nothing was returned.
    #[error("the answer would hold more than {0} figures; ask for fewer dimensions, a shorter window or narrower filters")]
    TooManyCells(usize),
    /// No database connection came free in time; safe to retry.
    #[error("the service is busy; try again in a moment")]
    Busy,
    /// Anything else. The cause goes to the log only.
    #[error("an internal error occurred; it has been logged")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadUserInput(_) => "BAD_USER_INPUT",
            AppError::NotFound { .. } => "NOT_FOUND",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Timeout(_) | AppError::StatementTimeout => "TIMEOUT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::ResponseTooLarge(_) => "RESPONSE_TOO_LARGE",
            AppError::TooManyCells(_) => "TOO_MANY_CELLS",
            AppError::Busy => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        AppError::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        AppError::BadUserInput(Invalid::new(field, message))
    }
}
