//! Global `Node` ids: opaque base64 of `Type:number`. Clients never build
//! them; they pass back what they were given.

use async_graphql::ID;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::AppError;

pub fn encode(kind: &str, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The type name and number inside a global id.
pub fn decode(field: &str, id: &ID) -> Result<(String, i64), AppError> {
    let malformed =
        || AppError::bad_input(field, format!("'{}' is not a Headroom id", id.as_str()));
    let bytes = URL_SAFE_NO_PAD
        .decode(id.as_str())
        .map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (kind, number) = text.split_once(':').ok_or_else(malformed)?;
    let number = number.parse::<i64>().map_err(|_| malformed())?;
    Ok((kind.to_owned(), number))
}

/// The number inside an id that must be of type `kind`.
pub fn decode_as(field: &str, kind: &str, id: &ID) -> Result<i64, AppError> {
    let (found, number) = decode(field, id)?;
    if found != kind {
        return Err(AppError::bad_input(
            field,
            format!("expected the id of a {kind}, got the id of a {found}"),
        ));
    }
    Ok(number)
}

pub fn decode_opt(field: &str, kind: &str, id: Option<&ID>) -> Result<Option<i64>, AppError> {
    id.map(|id| decode_as(field, kind, id)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_round_trips() {
        let id = encode("Service", 42);
        assert_eq!(decode_as("id", "Service", &id).unwrap(), 42);
    }

    #[test]
    fn an_id_of_another_type_is_refused() {
        let id = encode("Location", 42);
        let err = decode_as("serviceId", "Service", &id).unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
    }

    #[test]
    fn garbage_is_refused() {
        assert!(decode("id", &ID("not base64!".into())).is_err());
    }
}
