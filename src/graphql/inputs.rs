//! Input objects shared by queries and mutations, and their parsing into
//! domain values.

use async_graphql::InputObject;

use super::enums::{CapabilityKind, NeedCode};
use crate::domain::capability::Capability;
use crate::domain::codes::Need;
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

/// A list of needs, in the order of their stored codes, without repeats;
/// at least one (`empty` says why, for the field's error).
pub fn needs(field: &str, needs: &[NeedCode], empty: &str) -> Result<Vec<Need>, AppError> {
    if needs.is_empty() {
        return Err(AppError::bad_input(field, empty));
    }
    let mut out: Vec<Need> = needs.iter().map(|n| Need::from(*n)).collect();
    out.sort_by_key(|n| n.as_str());
    out.dedup();
    Ok(out)
}

/// `needs` as stored codes.
pub fn need_codes(field: &str, list: &[NeedCode], empty: &str) -> Result<Vec<String>, AppError> {
    Ok(needs(field, list, empty)?
        .into_iter()
        .map(|n| n.as_str().to_owned())
        .collect())
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
