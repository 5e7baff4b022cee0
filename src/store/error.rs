//! How database errors become `AppError`s: a unique violation is CONFLICT,
//! an exhausted pool UNAVAILABLE, a statement stopped by its time limit
//! TIMEOUT; anything else is INTERNAL, logged and never sent.

use std::any::Any;

use sea_orm::DbErr;

use crate::error::AppError;

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        let text = err.to_string();
        let lower = text.to_ascii_lowercase();
        if lower.contains("unique constraint") || lower.contains("duplicate key") {
            return AppError::Conflict(
                "a record with the same identifying value already exists".into(),
            );
        }
        if lower.contains("pool timed out") || lower.contains("connection acquire") {
            return AppError::Busy;
        }
        if lower.contains("statement timeout") || lower.contains("canceling statement") {
            return AppError::StatementTimeout;
        }
        tracing::error!(error = %text, "database error");
        AppError::Internal(text)
    }
}

/// Whether an error that reached the GraphQL layer on its own (not as an
/// `AppError`) came from the database: those are INTERNAL.
pub fn is_database_error(source: &(dyn Any + Send + Sync)) -> bool {
    source.downcast_ref::<DbErr>().is_some()
}
