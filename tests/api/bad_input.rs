//! Refused input: each comes back with its code (and the field, for
//! BAD_USER_INPUT), and nothing is written.

use headroom::graphql::ids;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    assert_bad_input, assert_error, data, error_code, spawn_app, today, TestApp,
    CREATE_ORGANISATION, CREATE_SERVICE, RECORD_CONTRIBUTION,
};

const SERVICE_TABLES: &[&str] = &["service", "service_need", "service_capability"];

/// An organisation with a venue, ready for services.
async fn organisation_with_location(app: &TestApp) -> (String, String) {
    let ward = app.insert_ward("E05900010", "Spitalfields").await;
    let organisation = app.create_organisation("Spitalfields Advice").await;
    let location = app
        .create_location(&organisation, &ward, "Advice shop")
        .await;
    (organisation, location)
}

#[tokio::test]
async fn a_service_for_an_organisation_that_does_not_exist_is_not_found() {
    let app = spawn_app().await;
    let before = app.counts(SERVICE_TABLES).await;
    let missing = ids::encode("Organisation", 987_654).0;

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            json!({ "input": {
                "organisationId": missing,
                "name": "Ghost service",
                "needs": ["LONELINESS"],
                "capabilities": [{ "kind": "LANGUAGE", "code": "syl" }],
            } }),
        )
        .await;

    assert_error(&body, "NOT_FOUND");
    assert!(body["data"].is_null(), "no service comes back: {body}");
    assert_eq!(
        app.counts(SERVICE_TABLES).await,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn a_language_that_is_not_iso_639_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (organisation, location) = organisation_with_location(&app).await;
    let before = app.counts(SERVICE_TABLES).await;

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            json!({ "input": {
                "organisationId": organisation,
                "locationId": location,
                "name": "Conversation club",
                "needs": ["ENGLISH_LANGUAGE"],
                "capabilities": [{ "kind": "LANGUAGE", "code": "xx" }],
            } }),
        )
        .await;

    assert_bad_input(&body, "capabilities[0].code");
    assert_eq!(
        app.counts(SERVICE_TABLES).await,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn a_bad_capability_among_good_fields_leaves_no_service_behind() {
    let app = spawn_app().await;
    let (organisation, location) = organisation_with_location(&app).await;
    let before = app.counts(SERVICE_TABLES).await;
    let input = |capabilities: Value| {
        json!({ "input": {
            "organisationId": organisation,
            "locationId": location,
            "name": "Women's walking group",
            "description": "Gentle walks in the park, then tea.",
            "needs": ["PHYSICAL_ACTIVITY", "LONELINESS"],
            "capabilities": capabilities,
            "unitCost": "1500",
        } })
    };

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            input(json!([
                { "kind": "GENDER", "code": "women_only" },
                { "kind": "LANGUAGE", "code": "bn" },
                { "kind": "ACCESSIBILITY", "code": "jetpack_landing" },
            ])),
        )
        .await;

    assert_bad_input(&body, "capabilities[2].code");
    assert_eq!(
        app.counts(SERVICE_TABLES).await,
        before,
        "no service, need or capability row was written"
    );

    // The same input with only good capabilities is accepted.
    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            input(json!([
                { "kind": "GENDER", "code": "women_only" },
                { "kind": "LANGUAGE", "code": "bn" },
            ])),
        )
        .await;
    data(&body);
    assert_eq!(app.count("service").await, before[0].1 + 1);
    assert_eq!(app.count("service_capability").await, before[2].1 + 2);
}

#[tokio::test]
async fn negative_capacity_is_refused_naming_places_per_week() {
    let app = spawn_app().await;
    let (organisation, location) = organisation_with_location(&app).await;
    let service = app
        .create_service(&organisation, Some(&location), "Lunch club")
        .await;
    let before = app.count("capacity_version").await;

    let body = app
        .record_capacity(&app.keys.admin, &service, -5, None)
        .await;

    assert_bad_input(&body, "placesPerWeek");
    assert_eq!(
        app.count("capacity_version").await,
        before,
        "no capacity was recorded"
    );
}

#[tokio::test]
async fn a_contribution_ending_before_it_starts_is_refused_naming_period_end() {
    let app = spawn_app().await;
    let organisation = app.provider_organisation_id.clone();
    let before = app.count("contribution").await;
    let start = today() - chrono::Days::new(10);
    let input = |end: chrono::NaiveDate| {
        json!({ "input": {
            "organisationId": organisation,
            "kind": "INTERPRETING",
            "hours": 6.5,
            "periodStart": start.to_string(),
            "periodEnd": end.to_string(),
        } })
    };

    let body = app
        .gql(
            &app.keys.provider,
            RECORD_CONTRIBUTION,
            input(start - chrono::Days::new(1)),
        )
        .await;

    assert_bad_input(&body, "periodEnd");
    assert_eq!(
        app.count("contribution").await,
        before,
        "no contribution was recorded"
    );

    // A one-day period is fine.
    let body = app
        .gql(&app.keys.provider, RECORD_CONTRIBUTION, input(start))
        .await;
    data(&body);
    assert_eq!(app.count("contribution").await, before + 1);
}

#[tokio::test]
async fn a_batch_of_more_than_ten_operations_is_refused() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;
    let operations = |n: usize| -> Value {
        (0..n)
            .map(|i| {
                json!({
                    "query": CREATE_ORGANISATION,
                    "variables": { "input": { "name": format!("Batched {n}/{i}"), "kind": "CIC" } },
                })
            })
            .collect()
    };

    let (status, body) = app
        .post_graphql(Some(&app.keys.admin), &operations(11))
        .await;

    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(
        app.count("organisation").await,
        before,
        "no operation of the batch ran"
    );

    let (status, body) = app
        .post_graphql(Some(&app.keys.admin), &operations(10))
        .await;
    assert_eq!(status, StatusCode::OK, "a batch of ten is accepted: {body}");
    assert_eq!(body.as_array().map(Vec::len), Some(10), "{body}");
    assert_eq!(app.count("organisation").await, before + 10);
}

#[tokio::test]
async fn a_blank_organisation_name_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_ORGANISATION,
            json!({ "input": { "name": "   ", "kind": "CHARITY" } }),
        )
        .await;

    assert_bad_input(&body, "name");
    assert_eq!(
        app.count("organisation").await,
        before,
        "nothing was written"
    );
}
