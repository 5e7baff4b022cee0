//! The API explorer at `/`: Headroom's own small page for trying queries,
//! served from the binary. It loads nothing from another origin, so it
//! works offline and on networks that block CDNs; its script and style are
//! separate files so that the Content-Security-Policy can forbid inline
//! code.

use poem::{handler, Request, Response};

use super::assets::{self, fnv1a};

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

    fn respond(&self, req: &Request) -> Response {
        assets::respond(req, self.body, self.content_type, &assets::etag(self.hash))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assets_differ_in_fingerprint() {
        assert_ne!(INDEX.hash, SCRIPT.hash);
        assert_ne!(SCRIPT.hash, STYLE.hash);
    }
}
