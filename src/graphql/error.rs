//! Every error leaves with `extensions.code`. Resolvers raise `AppError`
//! with `?`; async-graphql keeps it as the error's source, and `add_codes`
//! reads it back after execution. Errors async-graphql raises itself
//! (parsing, validation, limits, argument coercion) are the caller's:
//! BAD_USER_INPUT.

use std::sync::Arc;

use async_graphql::{ErrorExtensionValues, Response, ServerError};

use crate::domain::Invalid;
use crate::error::AppError;

fn app_error(err: &ServerError) -> Option<&AppError> {
    let source = err.source.as_ref()?;
    source
        .downcast_ref::<AppError>()
        .or_else(|| source.downcast_ref::<Arc<AppError>>().map(|a| a.as_ref()))
}

/// A domain parse error raised straight from a resolver with `?`.
fn invalid(err: &ServerError) -> Option<&Invalid> {
    match app_error(err) {
        Some(AppError::BadUserInput(invalid)) => Some(invalid),
        _ => err.source.as_ref()?.downcast_ref::<Invalid>(),
    }
}

pub fn code_of(err: &ServerError) -> &'static str {
    if invalid(err).is_some() {
        return "BAD_USER_INPUT";
    }
    if let Some(app) = app_error(err) {
        return app.code();
    }
    let database = err
        .source
        .as_deref()
        .is_some_and(crate::store::error::is_database_error);
    if database {
        "INTERNAL"
    } else {
        // Resolvers raise AppError or Invalid; anything else comes from
        // async-graphql checking the request: parsing, validation, limits,
        // argument coercion (a malformed Date, a null for a required value).
        "BAD_USER_INPUT"
    }
}

pub fn add_codes(response: &mut Response) {
    for err in &mut response.errors {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some());
        if has_code {
            continue;
        }
        let code = code_of(err);
        if code == "INTERNAL" {
            tracing::error!(message = %err.message, path = ?err.path, "internal error in resolver");
        }
        let field = invalid(err).map(|i| i.field.clone());
        let ext = err
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        ext.set("code", code);
        if let Some(field) = field {
            ext.set("field", field);
        }
    }
}

/// A whole-response error, for refusals before execution.
pub fn refusal(code: &str, message: impl Into<String>) -> Response {
    let mut err = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    Response::from_errors(vec![err])
}
