//! Who may do what: keys, roles and the organisation a provider acts for.

use chrono::NaiveDate;
use headroom::domain::codes::Role;
use headroom::store::keys;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    assert_error, data, error_code, spawn_app, spawn_demo_app, CONFIRM_STATUS, CREATE_ORGANISATION,
};

const VIEWER: &str = "{ viewer { role } }";

#[tokio::test]
async fn a_provider_may_not_record_for_another_organisations_service() {
    let app = spawn_app().await;
    let other = app.create_organisation("Someone Else's Charity").await;
    let theirs = app.create_service(&other, None, "Their service").await;
    let ours = app
        .create_service(&app.provider_organisation_id, None, "Our service")
        .await;
    let before = app.counts(&["capacity_version", "service_status"]).await;

    let body = app
        .record_capacity(&app.keys.provider, &theirs, 10, None)
        .await;
    assert_error(&body, "FORBIDDEN");
    let body = app
        .gql(
            &app.keys.provider,
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": theirs, "status": "CLOSED" } }),
        )
        .await;
    assert_error(&body, "FORBIDDEN");
    assert_eq!(
        app.counts(&["capacity_version", "service_status"]).await,
        before,
        "nothing was written"
    );

    // Its own service is fine.
    let body = app
        .record_capacity(&app.keys.provider, &ours, 10, None)
        .await;
    data(&body);
    assert_eq!(app.count("capacity_version").await, before[0].1 + 1);
}

#[tokio::test]
async fn a_request_without_a_key_is_unauthenticated() {
    let app = spawn_app().await;

    let (status, body) = app.gql_no_key(VIEWER, json!({})).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(body["data"].is_null(), "nothing is answered: {body}");
}

#[tokio::test]
async fn a_revoked_key_is_unauthenticated() {
    let app = spawn_app().await;
    let key = keys::issue(&app.store, Role::Commissioner, "to be revoked", None, None)
        .await
        .expect("a key is issued");
    let body = app.gql(&key, VIEWER, json!({})).await;
    assert_eq!(
        data(&body)["viewer"]["role"],
        "COMMISSIONER",
        "the key works before it is revoked"
    );

    let prefix = key
        .strip_prefix("hr_")
        .and_then(|rest| rest.get(..8))
        .expect("a key reads hr_<8 hex>_…");
    keys::revoke_key(&app.store, prefix)
        .await
        .expect("the key is revoked");

    let (status, body) = app
        .post_graphql(Some(&key), &json!({ "query": VIEWER }))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    // Other keys are untouched.
    let body = app.gql(&app.keys.commissioner, VIEWER, json!({})).await;
    assert_eq!(data(&body)["viewer"]["role"], "COMMISSIONER");
}

#[tokio::test]
async fn a_commissioner_sees_no_referral_rows() {
    let app = spawn_app().await;
    let query = "{ referrals { totalCount nodes { id } } }";

    let body = app.gql(&app.keys.commissioner, query, json!({})).await;
    assert_error(&body, "FORBIDDEN");
    assert!(
        body["data"].is_null() || body["data"]["referrals"].is_null(),
        "{body}"
    );

    let body = app.gql(&app.keys.admin, query, json!({})).await;
    assert_eq!(
        data(&body)["referrals"]["totalCount"],
        0,
        "an admin may list referrals"
    );
}

#[tokio::test]
async fn a_researcher_may_not_create_an_organisation() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;
    let input = json!({ "input": { "name": "Researcher's own", "kind": "CHARITY" } });

    let body = app
        .gql(&app.keys.researcher, CREATE_ORGANISATION, input.clone())
        .await;
    assert_error(&body, "FORBIDDEN");
    assert_eq!(
        app.count("organisation").await,
        before,
        "nothing was written"
    );

    for key in [
        &app.keys.commissioner,
        &app.keys.link_worker,
        &app.keys.provider,
    ] {
        let body = app.gql(key, CREATE_ORGANISATION, input.clone()).await;
        assert_error(&body, "FORBIDDEN");
    }
    assert_eq!(
        app.count("organisation").await,
        before,
        "nothing was written"
    );

    let body = app.gql(&app.keys.admin, CREATE_ORGANISATION, input).await;
    data(&body);
    assert_eq!(app.count("organisation").await, before + 1);
}

/// The commissioner's measures count people exactly (one referral accepted
/// at one service on one day, the wait of one person), so only
/// commissioners and admins read them. A researcher, a provider and a link
/// worker are refused and get no figure: a researcher asks `analytics`,
/// whose every figure is protected.
#[tokio::test]
async fn only_commissioners_and_admins_read_exact_counts_of_people() {
    let app = spawn_demo_app(NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")).await;
    let window = json!({ "w": { "from": "2026-10-05", "to": "2026-10-06" } });
    let asks = [
        ("capacityOverview", "query ($w: WindowInput!) { capacityOverview(window: $w, first: 5) { nodes { referralsAccepted waitsCounted } } }"),
        ("capacityTrend", "query ($w: WindowInput!) { capacityTrend(window: $w) { referralsAccepted } }"),
        ("fundingGaps", "query ($w: WindowInput!) { fundingGaps(period: $w, groupBy: SERVICE, first: 5) { nodes { referralsStarted } } }"),
        ("fundingGapTotal", "query ($w: WindowInput!) { fundingGapTotal(period: $w) { gap } }"),
        ("declineEvidence", "query ($w: WindowInput!) { unmetNeeds(first: 5) { nodes { declineEvidence(window: $w) { referralsDeclined } } } }"),
    ];
    let figures = |body: &serde_json::Value| -> Vec<serde_json::Value> {
        let mut found = Vec::new();
        collect_numbers(&body["data"], &mut found);
        found
    };
    for (field, query) in asks {
        for key in [&app.keys.commissioner, &app.keys.admin] {
            let body = app.gql(key, query, window.clone()).await;
            assert!(body["errors"].is_null(), "{field}: {body}");
            assert!(
                !figures(&body).is_empty(),
                "{field} answers with figures: {body}"
            );
        }
        for key in [
            &app.keys.researcher,
            &app.keys.provider,
            &app.keys.link_worker,
        ] {
            let body = app.gql(key, query, window.clone()).await;
            assert_error(&body, "FORBIDDEN");
            assert_eq!(
                figures(&body),
                Vec::<serde_json::Value>::new(),
                "{field} gives no figure: {body}"
            );
        }
    }
}

/// Every number anywhere under `v`.
fn collect_numbers(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Number(_) => out.push(v.clone()),
        serde_json::Value::String(s) if s.parse::<f64>().is_ok() => out.push(v.clone()),
        serde_json::Value::Array(xs) => xs.iter().for_each(|x| collect_numbers(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| collect_numbers(x, out)),
        _ => {}
    }
}
