//! The API explorer at `/`: Headroom's own page, every file of it served
//! from this origin, under a Content-Security-Policy that allows no other,
//! so that it works offline and where CDNs are blocked.

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{data, spawn_app, TestApp};

/// A file as the browser gets it.
struct Fetched {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Fetched {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header; headers: {:?}", self.headers))
            .to_str()
            .expect("the header is text")
    }
}

async fn fetch(app: &TestApp, path: &str) -> Fetched {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} answers: {e}"));
    Fetched {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.expect("a body"),
    }
}

/// The values of every `src` and `href` attribute in `html`.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["src=", "href="] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let quote = rest.chars().next().expect("a value after the attribute");
            let value = if quote == '"' || quote == '\'' {
                let end = rest[1..].find(quote).expect("a closing quote");
                &rest[1..1 + end]
            } else {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                &rest[..end]
            };
            out.push(value.to_owned());
        }
    }
    out
}

/// Relative, or absolute on this origin (`/x`, never `//host/x`), and with
/// no scheme (`https:`, `data:`, `javascript:` …).
fn is_same_origin(reference: &str) -> bool {
    let before_path = reference.split(['/', '?', '#']).next().unwrap_or("");
    !reference.starts_with("//") && !before_path.contains(':')
}

/// The content type a browser needs for a reference, by its extension.
fn expected_content_type(reference: &str) -> &'static str {
    let path = reference.split(['?', '#']).next().unwrap_or(reference);
    if path.ends_with(".js") {
        "text/javascript"
    } else if path.ends_with(".css") {
        "text/css"
    } else {
        panic!("the page refers to {reference}, which the test does not know how to check")
    }
}

/// Another origin named anywhere in `text`: a scheme (`https://`, `wss://`
/// …) or a protocol-relative `//host`.
fn other_origins(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("//") {
        let after = text[at + 2..].chars().next();
        let scheme = text[..at].ends_with(':');
        if scheme || after.is_some_and(|c| c.is_ascii_alphanumeric()) {
            let start = text[..at]
                .rfind(|c: char| c.is_whitespace() || "\"'(`=".contains(c))
                .map_or(0, |i| i + 1);
            found.push(text[start..].chars().take(60).collect());
        }
    }
    found
}

/// The page, its script and its style: the page and every file it refers to.
async fn page_and_assets(app: &TestApp) -> Vec<(String, Fetched)> {
    let page = fetch(app, "/").await;
    assert_eq!(page.status, StatusCode::OK, "GET / answers: {}", page.body);
    assert!(
        page.header("content-type").starts_with("text/html"),
        "GET / is HTML: {}",
        page.header("content-type")
    );
    let refs = references(&page.body);
    assert!(
        refs.len() >= 2,
        "the page has its script and style: {refs:?}"
    );
    let mut out = Vec::new();
    for reference in refs {
        assert!(
            is_same_origin(&reference),
            "the page refers to another origin: {reference}"
        );
        let path = if reference.starts_with('/') {
            reference.clone()
        } else {
            format!("/{reference}")
        };
        let asset = fetch(app, &path).await;
        assert_eq!(asset.status, StatusCode::OK, "GET {path} answers");
        let expected = expected_content_type(&reference);
        assert!(
            asset.header("content-type").starts_with(expected),
            "{path} is served as {}, not {expected}",
            asset.header("content-type")
        );
        out.push((path, asset));
    }
    out.insert(0, ("/".to_owned(), page));
    out
}

#[tokio::test]
async fn the_explorer_loads_nothing_from_another_origin() {
    let app = spawn_app().await;
    let files = page_and_assets(&app).await;
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(
        paths.iter().any(|p| p.contains(".js")) && paths.iter().any(|p| p.contains(".css")),
        "the page loads a script and a style sheet: {paths:?}"
    );
    for (path, file) in &files {
        let named = other_origins(&file.body);
        assert!(named.is_empty(), "{path} names another origin: {named:?}");
        for forbidden in ["@import", "url(", "import(", "<iframe", "<object", "<embed"] {
            assert!(
                !file.body.contains(forbidden),
                "{path} could reach further than itself with {forbidden}"
            );
        }
    }
}

#[tokio::test]
async fn the_explorer_is_served_under_a_strict_content_security_policy() {
    let app = spawn_app().await;
    for (path, file) in page_and_assets(&app).await {
        let policy = file.header("content-security-policy").to_owned();
        let directives: Vec<(&str, Vec<&str>)> = policy
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| {
                let mut words = d.split_whitespace();
                (words.next().expect("a directive name"), words.collect())
            })
            .collect();
        let names: Vec<&str> = directives.iter().map(|(n, _)| *n).collect();
        for required in [
            "default-src",
            "connect-src",
            "frame-ancestors",
            "form-action",
        ] {
            assert!(
                names.contains(&required),
                "{path}: the policy has {required}: {policy}"
            );
        }
        for (name, sources) in &directives {
            assert!(
                !sources.is_empty(),
                "{path}: {name} lists nothing: {policy}"
            );
            for source in sources {
                assert!(
                    *source == "'self'" || *source == "'none'",
                    "{path}: {name} allows {source}, more than this origin: {policy}"
                );
            }
        }
        assert_eq!(file.header("x-content-type-options"), "nosniff", "{path}");
        assert!(
            file.headers.contains_key(CACHE_CONTROL),
            "{path} says how to cache it"
        );
    }
}

#[tokio::test]
async fn the_explorer_page_has_no_inline_script_or_style() {
    let app = spawn_app().await;
    let page = fetch(&app, "/").await.body.to_lowercase();
    // The policy forbids inline code: any here would silently not run.
    let mut rest = page.as_str();
    while let Some(at) = rest.find("<script") {
        let tag_end = rest[at..].find('>').expect("the tag closes") + at;
        assert!(
            rest[at..tag_end].contains(" src="),
            "an inline script: {}",
            &rest[at..tag_end]
        );
        assert!(
            rest[tag_end + 1..].starts_with("</script>"),
            "a script with a src and a body"
        );
        rest = &rest[tag_end..];
    }
    assert!(!page.contains("<style"), "an inline style sheet");
    assert!(!page.contains(" style="), "an inline style attribute");
    assert!(
        !page.contains(" onclick=") && !page.contains(" onload="),
        "an inline handler"
    );
}

#[tokio::test]
async fn the_explorer_files_are_revalidated_by_their_entity_tag() {
    let app = spawn_app().await;
    for (path, file) in page_and_assets(&app).await {
        assert_eq!(file.header("cache-control"), "no-cache", "{path}");
        let etag = file
            .headers
            .get(ETAG)
            .unwrap_or_else(|| panic!("{path} has an entity tag"))
            .clone();
        let again = app
            .client
            .get(format!("{}{path}", app.address))
            .header(IF_NONE_MATCH, etag)
            .send()
            .await
            .expect("a conditional GET answers");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        let changed = app
            .client
            .get(format!("{}{path}", app.address))
            .header(IF_NONE_MATCH, "\"another-version\"")
            .send()
            .await
            .expect("a conditional GET answers");
        assert_eq!(changed.status(), StatusCode::OK, "{path}");
    }
}

/// The text of the template literal `const NAME = `…`;` in the script.
fn template_literal<'a>(script: &'a str, name: &str) -> &'a str {
    let start = format!("const {name} = `");
    let at = script
        .find(&start)
        .unwrap_or_else(|| panic!("the script defines {name}"))
        + start.len();
    let end = script[at..].find('`').expect("the literal closes");
    &script[at..at + end]
}

/// What the page sends: its headers and body, with the admin key.
async fn post_as_the_page(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(CONTENT_TYPE, "application/json")
        .header(
            "Accept",
            "application/graphql-response+json, application/json",
        )
        .header("Authorization", format!("Bearer {}", app.keys.admin))
        .body(body.to_string())
        .send()
        .await
        .expect("POST /graphql answers");
    let status = response.status();
    let text = response.text().await.expect("a body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the answer is not JSON ({e}): {status} {text}"));
    (status, json)
}

#[tokio::test]
async fn the_explorer_example_query_runs_as_the_page_sends_it() {
    let app = spawn_app().await;
    let script = fetch(&app, "/explorer/explorer.js").await.body;
    let example = template_literal(&script, "EXAMPLE_QUERY");
    let (status, body) = post_as_the_page(&app, json!({ "query": example })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(data(&body)["services"]["totalCount"], 0, "{body}");
}

#[tokio::test]
async fn the_explorer_sends_the_standard_introspection_query() {
    let app = spawn_app().await;
    let script = fetch(&app, "/explorer/explorer.js").await.body;
    let query = template_literal(&script, "INTROSPECTION_QUERY");
    let words: Vec<&str> = query.split_whitespace().collect();
    let text = words.join(" ");
    for part in [
        "query IntrospectionQuery { __schema { queryType { name } mutationType { name } \
         subscriptionType { name } types { ...FullType } directives { name description \
         locations args { ...InputValue } } } }",
        "fragment FullType on __Type {",
        "fields(includeDeprecated: true) {",
        "enumValues(includeDeprecated: true) {",
        "fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }",
        "fragment TypeRef on __Type {",
    ] {
        assert!(text.contains(part), "the introspection query has {part:?}");
    }
    let type_ref = &text[text.find("fragment TypeRef").expect("TypeRef")..];
    assert_eq!(
        type_ref.matches("ofType").count(),
        7,
        "TypeRef unwraps seven levels of ofType: {type_ref}"
    );

    // The service may refuse it (depth limits); the page then shows the
    // errors, so they must say what went wrong.
    let (status, body) = post_as_the_page(
        &app,
        json!({ "query": query, "operationName": "IntrospectionQuery" }),
    )
    .await;
    match body["data"]["__schema"]["queryType"]["name"].as_str() {
        Some(name) => {
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(name, "QueryRoot", "{body}");
            assert!(
                body["data"]["__schema"]["types"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["name"] == "Service")),
                "the types include Service: {body}"
            );
        }
        None => {
            let errors = body["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("no schema and no errors: {body}"));
            assert!(!errors.is_empty(), "no schema and no errors: {body}");
            assert!(
                errors
                    .iter()
                    .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())),
                "every error says what went wrong: {body}"
            );
        }
    }
}
