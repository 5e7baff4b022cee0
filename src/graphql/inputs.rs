//! Input objects shared by queries and mutations, and their parsing into
//! domain values.

use async_graphql::InputObject;

use super::enums::{CapabilityKind, NeedCode};
use crate::domain::capability::Capability;
use crate::error::AppError;

/// A capability to require or record: a kind and its code (an ISO 639 code
/// for languages).
#[derive(InputObject, Clone)]
pub struct CapabilityInput {
    pub kind: CapabilityKind,
    pub code: String,
}

impl CapabilityInput {
    pub fn capability(&self, field: &str) -> Result<Capability, AppError> {
        Ok(Capability::parse(field, self.kind.into(), &self.code)?)
    }

    pub fn parse(&self, field: &str) -> Result<(String, String), AppError> {
        let c = Capability::parse(field, self.kind.into(), &self.code)?;
        Ok((c.kind.as_str().to_owned(), c.code))
    }
}

/// A list of needs as stored codes, sorted, without repeats; at least one
/// (`empty` says why, for the field's error).
pub fn need_codes(field: &str, needs: &[NeedCode], empty: &str) -> Result<Vec<String>, AppError> {
    if needs.is_empty() {
        return Err(AppError::bad_input(field, empty));
    }
    let mut out: Vec<String> = needs
        .iter()
        .map(|n| crate::domain::codes::Need::from(*n).as_str().to_owned())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

pub fn parse_capabilities(
    field: &str,
    list: &[CapabilityInput],
) -> Result<Vec<(String, String)>, AppError> {
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let parsed = c.parse(&format!("{field}[{i}].code"))?;
        if !out.contains(&parsed) {
            out.push(parsed);
        }
    }
    Ok(out)
}
