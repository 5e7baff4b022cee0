//! The API explorer at `/`: Headroom's own small page for trying queries,
//! served from the binary. It loads nothing from another origin, so it
//! works offline and on networks that block CDNs; its script and style are
//! separate files so that the Content-Security-Policy can forbid inline
//! code.

use poem::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use poem::http::{HeaderMap, StatusCode};
use poem::{handler, Request, Response};

/// Only this origin, for everything; no inline script or style, no
/// plugins, no framing, no form submissions (the page sends its requests
/// with `fetch`, so a form that submitted itself could only leak a key).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One embedded file, with an entity tag computed from its text when the
/// binary is built.
struct Asset {
    body: &'static str,
    content_type: &'static str,
    hash: u64,
}

impl Asset {
    const fn new(body: &'static str, content_type: &'static str) -> Self {
        Asset {
            body,
            content_type,
            hash: fnv1a(body.as_bytes()),
        }
    }

    /// The file, or `304 Not Modified` when the browser already holds this
    /// version. Browsers revalidate on every load (`no-cache`), so a new
    /// binary's page and script are never mixed with an old one's.
    fn respond(&self, req: &Request) -> Response {
        let etag = format!("\"{:016x}\"", self.hash);
        let builder = Response::builder()
            .header(CACHE_CONTROL, "no-cache")
            .header(ETAG, etag.as_str())
            .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            .header("X-Content-Type-Options", "nosniff")
            .header("Referrer-Policy", "no-referrer")
            .header("X-Frame-Options", "DENY");
        if matches_etag(req.headers(), &etag) {
            builder.status(StatusCode::NOT_MODIFIED).finish()
        } else {
            builder.content_type(self.content_type).body(self.body)
        }
    }
}

static INDEX: Asset = Asset::new(
    include_str!("explorer/index.html"),
    "text/html; charset=utf-8",
);
static SCRIPT: Asset = Asset::new(
    include_str!("explorer/explorer.js"),
    "text/javascript; charset=utf-8",
);
static STYLE: Asset = Asset::new(
    include_str!("explorer/explorer.css"),
    "text/css; charset=utf-8",
);

/// `GET /`: the explorer page.
#[handler]
pub fn index(req: &Request) -> Response {
    INDEX.respond(req)
}

/// `GET /explorer/explorer.js`.
#[handler]
pub fn script(req: &Request) -> Response {
    SCRIPT.respond(req)
}

/// `GET /explorer/explorer.css`.
#[handler]
pub fn style(req: &Request) -> Response {
    STYLE.respond(req)
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
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
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
    fn the_assets_differ_in_fingerprint() {
        assert_ne!(INDEX.hash, SCRIPT.hash);
        assert_ne!(SCRIPT.hash, STYLE.hash);
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
