//! Safe to expose: what an ordinary key cannot do to the service or to
//! other keys. Every request is bounded in cost before it runs and in size
//! and time while it runs; a key has its own share of requests; GET never
//! changes anything and POST takes JSON only; introspection works at the
//! default limits without raising them for anything else.

use std::time::Duration;

use headroom::config::PerRole;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{data, spawn_app, spawn_app_with, TestApp};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

const CREATE_ORGANISATION: &str =
    r#"mutation { createOrganisation(input: { name: "Cross-site Trust", kind: CHARITY }) { id } }"#;

/// A raw request to /graphql: method, content type, accept, body.
async fn raw(
    app: &TestApp,
    key: &str,
    method: reqwest::Method,
    query_string: &str,
    content_type: Option<&str>,
    accept: Option<&str>,
    body: Option<String>,
) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = app
        .client
        .request(method, format!("{}/graphql{query_string}", app.address))
        .bearer_auth(key);
    if let Some(ct) = content_type {
        request = request.header(CONTENT_TYPE, ct);
    }
    if let Some(a) = accept {
        request = request.header(ACCEPT, a);
    }
    if let Some(b) = body {
        request = request.body(b);
    }
    let response = request
        .send()
        .await
        .expect("the request reaches the server");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("a body"))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code: {body}"))
}

/// Every error message, one after another.
fn message(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["message"].as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

/// Areas nested `levels` deep below each local authority: children, then
/// parent, then children again.
fn fan_out(levels: usize) -> String {
    let mut inner = "name".to_owned();
    for level in 0..levels {
        let field = if level % 2 == 0 { "children" } else { "parent" };
        inner = format!("name {field} {{ {inner} }}");
    }
    format!(
        "{{ areas(first: 5, filter: {{ kind: LOCAL_AUTHORITY }}) {{ edges {{ node {{ {inner} }} }} }} }}"
    )
}

#[tokio::test]
async fn nested_lists_multiply_in_cost_and_a_fan_out_is_refused_before_it_runs() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.insert_ward(&format!("E0599990{i}"), &format!("Ward {i}"))
            .await;
    }
    let before = app.statements().await;
    let body = app.gql(&app.keys.admin, &fan_out(8), json!({})).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("too complex"), "{body}");
    assert!(body["data"].is_null());
    // Refused by its cost alone: nothing was read (the key lookup aside).
    assert!(app.statements().await - before <= 2);

    // One level of children is an ordinary question and is answered.
    let body = app.gql(&app.keys.admin, &fan_out(1), json!({})).await;
    let wards = &data(&body)["areas"]["edges"][0]["node"]["children"];
    assert_eq!(wards.as_array().map(Vec::len), Some(5), "{body}");
}

#[tokio::test]
async fn an_answer_past_its_size_is_refused_with_a_code_and_nothing_partial() {
    let app = spawn_app_with(|s| s.max_response_bytes = 2_000).await;
    for i in 0..60 {
        app.insert_ward(
            &format!("E0588{i:04}"),
            &format!("A ward with a longish name {i}"),
        )
        .await;
    }
    let body = app
        .gql(
            &app.keys.admin,
            "{ areas(first: 100, filter: { kind: WARD }) { edges { node { id code name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "RESPONSE_TOO_LARGE", "{body}");
    assert!(body["data"].is_null(), "no partial answer is sent: {body}");
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");

    let body = app
        .gql(
            &app.keys.admin,
            "{ areas(first: 3, filter: { kind: WARD }) { edges { node { code } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&body)["areas"]["edges"].as_array().map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn an_aggregate_costs_its_window_and_scope_so_ten_three_year_trends_are_refused() {
    let app = spawn_app().await;
    let aliases: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"t{i}: capacityTrend(window: {{ from: "2023-12-01", to: "2026-12-01" }}) {{ demand capacity }}"#
            )
        })
        .collect();
    let body = app
        .gql(
            &app.keys.commissioner,
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
        )
        .await;
    assert!(message(&body).contains("too complex"), "{body}");

    // One year of one trend is an ordinary dashboard question.
    let body = app
        .gql(
            &app.keys.commissioner,
            r#"{ capacityTrend(window: { from: "2025-12-01", to: "2026-12-01" }) { demand } }"#,
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn a_connection_costs_what_it_computes_even_at_first_zero() {
    let app = spawn_app().await;
    let aliases: Vec<String> = (0..20)
        .map(|i| {
            format!(
                r#"o{i}: capacityOverview(window: {{ from: "2025-12-01", to: "2026-12-01" }}, first: 0) {{ totalCount }}"#
            )
        })
        .collect();
    let body = app
        .gql(
            &app.keys.commissioner,
            &format!("{{ {} }}", aliases.join(" ")),
            json!({}),
        )
        .await;
    assert!(message(&body).contains("too complex"), "{body}");
}

#[tokio::test]
async fn a_key_past_its_rate_is_told_when_to_retry_while_other_keys_are_served() {
    let app = spawn_app_with(|s| s.requests_per_minute = PerRole::all(2)).await;
    let query = "{ needs { code } }";
    for _ in 0..2 {
        let body = app.gql(&app.keys.provider, query, json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let (status, headers, text) = raw(
        &app,
        &app.keys.provider,
        reqwest::Method::POST,
        "",
        Some("application/json"),
        None,
        Some(json!({ "query": query }).to_string()),
    )
    .await;
    let body: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(code(&body), "RATE_LIMITED");
    let retry = body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .expect("retryAfterSeconds");
    assert!((1..=60).contains(&retry), "{body}");
    let header: u64 = headers["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in seconds");
    assert_eq!(header, retry);

    // Another key's share is its own.
    let body = app.gql(&app.keys.commissioner, query, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn a_request_holds_at_most_its_lanes_to_the_database() {
    let app = spawn_app().await;
    let request = app.store.for_request(2);
    let first = request.lane().await.expect("a lane");
    let _second = request.lane().await.expect("a second lane");
    let third = tokio::time::timeout(Duration::from_millis(200), request.lane()).await;
    assert!(third.is_err(), "a third statement waits for a lane");
    // Another request is not held up by this one's lanes.
    let other = app.store.for_request(2);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), other.lane())
            .await
            .is_ok()
    );
    drop(first);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), request.lane())
            .await
            .is_ok(),
        "a lane freed is taken"
    );
}

#[tokio::test]
async fn a_mutation_by_get_is_refused_with_405_and_changes_nothing() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;
    let query_string = format!("?query={}", url_encode(CREATE_ORGANISATION));
    let (status, headers, text) = raw(
        &app,
        &app.keys.admin,
        reqwest::Method::GET,
        &query_string,
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{text}");
    assert_eq!(headers["allow"], "POST");
    assert_eq!(app.count("organisation").await, before);

    // A query by GET still answers.
    let (status, _, text) = raw(
        &app,
        &app.keys.admin,
        reqwest::Method::GET,
        &format!("?query={}", url_encode("{ needs { code } }")),
        None,
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("DEMENTIA"), "{text}");
}

#[tokio::test]
async fn a_post_that_is_not_json_is_refused_with_415_and_changes_nothing() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;
    let json_body = json!({ "query": CREATE_ORGANISATION }).to_string();
    let form_body = format!("query={}", url_encode(CREATE_ORGANISATION));
    let multipart = format!(
        "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{json_body}\r\n--x--\r\n"
    );
    let attempts = [
        ("text/plain", json_body.clone()),
        ("text/plain;charset=UTF-8", json_body.clone()),
        ("application/x-www-form-urlencoded", form_body),
        ("multipart/form-data; boundary=x", multipart),
        ("application/graphql", CREATE_ORGANISATION.to_owned()),
    ];
    for (content_type, body) in attempts {
        let (status, _, text) = raw(
            &app,
            &app.keys.admin,
            reqwest::Method::POST,
            "",
            Some(content_type),
            None,
            Some(body),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}: {text}"
        );
    }
    assert_eq!(app.count("organisation").await, before);

    // The same mutation as JSON runs.
    let (status, _, text) = raw(
        &app,
        &app.keys.admin,
        reqwest::Method::POST,
        "",
        Some("application/json; charset=utf-8"),
        None,
        Some(json_body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(app.count("organisation").await, before + 1);
}

#[tokio::test]
async fn graphql_response_json_gets_the_specifications_status_codes() {
    let app = spawn_app().await;
    let post = |query: &'static str, accept: &'static str| {
        let app = &app;
        async move {
            let (status, headers, text) = raw(
                app,
                &app.keys.admin,
                reqwest::Method::POST,
                "",
                Some("application/json"),
                Some(accept),
                Some(json!({ "query": query }).to_string()),
            )
            .await;
            let body: Value = serde_json::from_str(&text).expect("JSON");
            let content_type = headers[CONTENT_TYPE].to_str().unwrap_or("").to_owned();
            (status, content_type, body)
        }
    };
    // A document that does not parse, and one that does not validate.
    for query in ["{ needs { code ", "{ noSuchField }"] {
        let (status, content_type, body) = post(query, GRAPHQL_RESPONSE).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE), "{content_type}");
        assert!(
            body.get("data").is_none(),
            "no data on a request error: {body}"
        );
        assert_eq!(code(&body), "BAD_USER_INPUT");

        let (status, content_type, body) = post(query, "application/json").await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        assert!(!body["errors"].is_null());
    }
    let (status, content_type, body) = post("{ needs { code } }", GRAPHQL_RESPONSE).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(content_type.starts_with(GRAPHQL_RESPONSE));
    assert!(data(&body)["needs"].is_array());
}

/// The introspection query GraphiQL and code generators send: `ofType`
/// seven levels deep.
pub const STANDARD_INTROSPECTION: &str = "query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}";

#[tokio::test]
async fn the_standard_introspection_query_answers_at_the_default_limits() {
    let app = spawn_app().await;
    let body = app
        .gql(&app.keys.provider, STANDARD_INTROSPECTION, json!({}))
        .await;
    let types = data(&body)["__schema"]["types"]
        .as_array()
        .expect("the schema's types");
    assert!(types.iter().any(|t| t["name"] == "Service"));

    // Ordinary queries keep the ordinary depth limit (12), however cheap.
    let mut deep = "name".to_owned();
    for _ in 0..12 {
        deep = format!("name parent {{ {deep} }}");
    }
    let deep = format!("{{ areas(first: 1) {{ edges {{ node {{ {deep} }} }} }} }}");
    let body = app.gql(&app.keys.admin, &deep, json!({})).await;
    assert!(message(&body).contains("nested too deep"), "{body}");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = spawn_app_with(|s| s.introspection = false).await;
    let body = app
        .gql(&app.keys.provider, STANDARD_INTROSPECTION, json!({}))
        .await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    assert!(!body["errors"].is_null(), "{body}");
    let body = app
        .gql(&app.keys.provider, "{ needs { code } }", json!({}))
        .await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome_and_refusals_by_limit() {
    let app = spawn_app_with(|s| s.requests_per_minute = PerRole::all(3)).await;
    app.gql(&app.keys.admin, "query Needs { needs { code } }", json!({}))
        .await;
    app.gql(&app.keys.admin, "query Broken { noSuchField }", json!({}))
        .await;
    app.gql(&app.keys.admin, "{ needs { code } }", json!({}))
        .await;
    app.gql(&app.keys.admin, "{ needs { code } }", json!({}))
        .await;
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("/metrics answers")
        .text()
        .await
        .expect("a body");
    for line in [
        r#"headroom_graphql_operations_total{operation="Needs",outcome="ok"} 1"#,
        r#"headroom_graphql_operations_total{operation="Broken",outcome="BAD_USER_INPUT"} 1"#,
        r#"headroom_requests_refused_total{limit="rate"} 1"#,
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line} in:\n{text}"
        );
    }
    assert!(text.contains("headroom_graphql_operation_seconds_bucket{"));
    assert!(text.contains("headroom_db_pool_connections_in_use "));
}

/// Percent-encodes a query string value.
fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
