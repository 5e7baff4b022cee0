//! The dashboards at `/dashboards/…`: the pages, scripts, styles and
//! GraphQL documents of the top-level `dashboards/` folder, embedded in
//! the binary when it is built (in every profile), so `serve` needs no
//! files beside it and the pages load nothing from another origin. A page
//! is reached without its `.html`: `/dashboards/overview`.

use poem::http::StatusCode;
use poem::web::{Path, Redirect};
use poem::{handler, IntoResponse, Request, Response};
use rust_embed::Embed;

use super::assets;

#[derive(Embed)]
#[folder = "dashboards/"]
#[exclude = "screenshots/*"]
struct Files;

/// `GET /dashboards`: the index, with the slash its relative links need.
#[handler]
pub fn home() -> impl IntoResponse {
    Redirect::permanent("/dashboards/")
}

/// `GET /dashboards/*path`: a page by its name, or any other file; the
/// list of pages at `/dashboards/`.
#[handler]
pub fn file(req: &Request, Path(path): Path<String>) -> Response {
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.is_empty() {
        serve(req, "index.html")
    } else if last.contains('.') {
        serve(req, &path)
    } else {
        serve(req, &format!("{path}.html"))
    }
}

fn serve(req: &Request, path: &str) -> Response {
    let (Some(embedded), Some(content_type)) = (Files::get(path), content_type(path)) else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("No such dashboard file.");
    };
    let hash = embedded.metadata.sha256_hash();
    let mut fingerprint = [0u8; 8];
    fingerprint.copy_from_slice(&hash[..8]);
    let etag = assets::etag(u64::from_be_bytes(fingerprint));
    assets::respond(req, embedded.data.into_owned(), content_type, &etag)
}

/// The media types the folder holds; any other file is not served.
fn content_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1;
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "graphql" => "application/graphql; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => return None,
    })
}

/// Every file the binary holds.
#[cfg(test)]
fn files() -> impl Iterator<Item = String> {
    Files::iter().map(|name| name.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_has_a_media_type() {
        let names: Vec<String> = files().collect();
        assert!(names.iter().any(|n| n == "index.html"), "{names:?}");
        for name in names {
            assert!(content_type(&name).is_some(), "{name} would not be served");
        }
    }

    #[test]
    fn a_page_is_named_without_its_extension() {
        assert_eq!(
            content_type("overview.html"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            content_type("lib/api.js"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(content_type("Cargo.toml"), None);
    }
}
