//! Listing services with their related records costs a fixed number of SQL
//! statements, however long the page.

use serde_json::{json, Value};

use crate::helpers::{
    data, spawn_app, TestApp, CONFIRM_STATUS, CREATE_LOCATION, CREATE_ORGANISATION, CREATE_SERVICE,
    RECORD_CAPACITY,
};

const SERVICES: &str = "query ($first: Int!) {
    services(first: $first) {
        nodes {
            id
            name
            organisation { name }
            location { name ward { name } }
            capabilities { code }
            capacity { placesPerWeek }
            status { status }
        }
    }
}";

const ORGANISATIONS: usize = 20;
const SERVICES_TOTAL: usize = 100;
const LANGUAGES: &[&str] = &["syl", "bn", "ur", "so", "pl"];

/// 100 services over 20 organisations, each at a venue in one of four
/// wards, with capabilities, a capacity version and a status.
async fn fill(app: &TestApp) {
    let mut wards = Vec::new();
    for i in 0..4 {
        wards.push(
            app.insert_ward(&format!("E0590010{i}"), &format!("Ward {i}"))
                .await,
        );
    }
    let admin = &app.keys.admin;

    let organisations: Vec<String> = app
        .batch(
            admin,
            (0..ORGANISATIONS)
                .map(|i| {
                    (
                        CREATE_ORGANISATION,
                        json!({ "input": { "name": format!("Organisation {i}"), "kind": "CHARITY" } }),
                    )
                })
                .collect(),
        )
        .await
        .iter()
        .map(|d| d["createOrganisation"]["id"].as_str().expect("an id").to_owned())
        .collect();

    let locations: Vec<String> = app
        .batch(
            admin,
            organisations
                .iter()
                .enumerate()
                .map(|(i, org)| {
                    (
                        CREATE_LOCATION,
                        json!({ "input": {
                            "organisationId": org,
                            "name": format!("Venue {i}"),
                            "kind": "COMMUNITY_CENTRE",
                            "wardId": wards[i % wards.len()],
                        } }),
                    )
                })
                .collect(),
        )
        .await
        .iter()
        .map(|d| {
            d["createLocation"]["id"]
                .as_str()
                .expect("an id")
                .to_owned()
        })
        .collect();

    let services: Vec<String> = app
        .batch(
            admin,
            (0..SERVICES_TOTAL)
                .map(|i| {
                    let o = i % ORGANISATIONS;
                    (
                        CREATE_SERVICE,
                        json!({ "input": {
                            "organisationId": organisations[o],
                            "locationId": locations[o],
                            "name": format!("Service {i}"),
                            "needs": ["LONELINESS"],
                            "capabilities": [
                                { "kind": "LANGUAGE", "code": LANGUAGES[i % LANGUAGES.len()] },
                                { "kind": "ACCESSIBILITY", "code": "wheelchair_access" },
                            ],
                        } }),
                    )
                })
                .collect(),
        )
        .await
        .iter()
        .map(|d| d["createService"]["id"].as_str().expect("an id").to_owned())
        .collect();

    let mut records: Vec<(&str, Value)> = Vec::new();
    for (i, service) in services.iter().enumerate() {
        records.push((
            RECORD_CAPACITY,
            json!({ "input": { "serviceId": service, "placesPerWeek": 5 + i } }),
        ));
        records.push((
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": service, "status": "OPEN" } }),
        ));
    }
    app.batch(admin, records).await;
}

/// The statements one `services(first:)` query costs, after checking that
/// every related field was resolved.
async fn statements_for(app: &TestApp, first: usize) -> u64 {
    let before = app.statements().await;
    let body = app
        .gql(&app.keys.commissioner, SERVICES, json!({ "first": first }))
        .await;
    let after = app.statements().await;

    let nodes = data(&body)["services"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone();
    assert_eq!(nodes.len(), first, "a full page of {first}");
    for node in &nodes {
        assert!(node["organisation"]["name"].is_string(), "{node}");
        assert!(node["location"]["name"].is_string(), "{node}");
        assert!(node["location"]["ward"]["name"].is_string(), "{node}");
        assert_eq!(
            node["capabilities"].as_array().map(Vec::len),
            Some(2),
            "{node}"
        );
        assert!(node["capacity"]["placesPerWeek"].is_number(), "{node}");
        assert_eq!(node["status"]["status"], "OPEN", "{node}");
    }
    after - before
}

#[tokio::test]
async fn listing_ten_or_a_hundred_services_costs_the_same_statements() {
    let app = spawn_app().await;
    fill(&app).await;

    // Each size three times: a batch that splits only some of the time
    // still shows.
    let mut for_ten = Vec::new();
    let mut for_hundred = Vec::new();
    for _ in 0..3 {
        for_ten.push(statements_for(&app, 10).await);
        for_hundred.push(statements_for(&app, 100).await);
    }
    println!(
        "statements: services(first: 10) = {for_ten:?}, services(first: 100) = {for_hundred:?}"
    );

    let first = for_ten[0];
    assert!(
        for_ten.iter().chain(&for_hundred).all(|n| *n == first),
        "the statement count depends on the page size or varies: first: 10 -> {for_ten:?}, first: 100 -> {for_hundred:?}"
    );
    assert!(
        first <= 10,
        "a page of services costs {first} statements; expected at most 10"
    );
}
