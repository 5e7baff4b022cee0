//! Files served from the binary (the API explorer, the dashboards): each
//! response carries an entity tag, asks the browser to revalidate, and
//! sends the Content-Security-Policy that keeps a page to this origin.

use poem::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use poem::http::{HeaderMap, StatusCode};
use poem::{Body, Request, Response};

/// Only this origin, for everything; no inline script or style, no
/// plugins, no framing, no form submissions (pages send their requests
/// with `fetch`, so a form that submitted itself could only leak a key).
/// `connect-src 'self'` covers this origin's WebSocket too.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The file, or `304 Not Modified` when the browser already holds this
/// version. Browsers revalidate on every load (`no-cache`), so a new
/// binary's page and script are never mixed with an old one's.
pub fn respond(req: &Request, body: impl Into<Body>, content_type: &str, etag: &str) -> Response {
    let builder = Response::builder()
        .header(CACHE_CONTROL, "no-cache")
        .header(ETAG, etag)
        .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Frame-Options", "DENY");
    if matches_etag(req.headers(), etag) {
        builder.status(StatusCode::NOT_MODIFIED).finish()
    } else {
        builder.content_type(content_type).body(body)
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags compare by
/// their value, as RFC 9110 asks for GET.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim())
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// 64-bit FNV-1a: a fingerprint of an asset's text, not a secret.
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The quoted entity tag of a fingerprint.
pub fn etag(hash: u64) -> String {
    format!("\"{hash:016x}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use poem::http::HeaderValue;

    #[test]
    fn an_entity_tag_matches_itself_weakly_or_in_a_list() {
        let etag = "\"00000000000000ab\"";
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(IF_NONE_MATCH, HeaderValue::from_static(value));
            matches_etag(&headers, etag)
        };
        assert!(with("\"00000000000000ab\""));
        assert!(with("W/\"00000000000000ab\""));
        assert!(with("\"x\", \"00000000000000ab\""));
        assert!(with("*"));
        assert!(!with("\"00000000000000ac\""));
        assert!(!matches_etag(&HeaderMap::new(), etag));
    }

    #[test]
    fn fingerprints_are_fnv1a() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(etag(0xab), "\"00000000000000ab\"");
    }
}
