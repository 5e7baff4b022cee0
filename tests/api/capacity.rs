//! Capacity is versioned: the one in force is the latest that has started,
//! and every version is kept.

use chrono::Days;
use serde_json::json;

use crate::helpers::{data, spawn_app, today};

#[tokio::test]
async fn capacity_is_the_latest_version_in_force_and_history_lists_all_newest_first() {
    let app = spawn_app().await;
    let organisation = app.create_organisation("Versioned Ventures").await;
    let service = app
        .create_service(&organisation, None, "Advice drop-in")
        .await;
    let long_ago = today() - Days::new(90);
    let from_today = today();
    let next_month = today() + Days::new(30);

    for (places, valid_from) in [(10, long_ago), (14, from_today), (30, next_month)] {
        let body = app
            .record_capacity(&app.keys.admin, &service, places, Some(valid_from))
            .await;
        let version = &data(&body)["recordCapacity"];
        assert_eq!(version["placesPerWeek"], places);
        assert_eq!(version["validFrom"], valid_from.to_string());
    }
    assert_eq!(
        app.count("capacity_version").await,
        3,
        "every version is stored"
    );

    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { node(id: $id) { ... on Service {
                capacity { placesPerWeek validFrom }
                capacityHistory { placesPerWeek validFrom }
            } } }",
            json!({ "id": service }),
        )
        .await;
    let read = &data(&body)["node"];

    assert_eq!(
        read["capacity"],
        json!({ "placesPerWeek": 14, "validFrom": from_today.to_string() }),
        "the version in force is the latest that has started, not the future one"
    );
    assert_eq!(
        read["capacityHistory"],
        json!([
            { "placesPerWeek": 30, "validFrom": next_month.to_string() },
            { "placesPerWeek": 14, "validFrom": from_today.to_string() },
            { "placesPerWeek": 10, "validFrom": long_ago.to_string() },
        ]),
        "every version, newest first"
    );
}

#[tokio::test]
async fn a_service_with_only_past_and_future_versions_uses_the_past_one() {
    let app = spawn_app().await;
    let organisation = app.create_organisation("Forward Planners").await;
    let service = app.create_service(&organisation, None, "Men's shed").await;
    let query =
        "query ($id: ID!) { node(id: $id) { ... on Service { capacity { placesPerWeek } } } }";

    let body = app
        .gql(&app.keys.admin, query, json!({ "id": service }))
        .await;
    assert_eq!(
        data(&body)["node"]["capacity"],
        json!(null),
        "no capacity until one is recorded"
    );

    let future = app
        .record_capacity(&app.keys.admin, &service, 40, Some(today() + Days::new(7)))
        .await;
    data(&future);
    let body = app
        .gql(&app.keys.admin, query, json!({ "id": service }))
        .await;
    assert_eq!(
        data(&body)["node"]["capacity"],
        json!(null),
        "a future version is not yet in force"
    );

    let past = app
        .record_capacity(&app.keys.admin, &service, 12, Some(today() - Days::new(1)))
        .await;
    data(&past);
    let body = app
        .gql(&app.keys.admin, query, json!({ "id": service }))
        .await;
    assert_eq!(data(&body)["node"]["capacity"]["placesPerWeek"], 12);
}
