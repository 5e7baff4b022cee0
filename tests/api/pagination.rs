//! Cursor pagination over the organisations connection.

use std::collections::HashSet;

use serde_json::{json, Value};

use crate::helpers::{assert_bad_input, data, spawn_app, CREATE_ORGANISATION};

const PAGE: &str = "query ($first: Int, $after: String) {
    organisations(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { id name } }
    }
}";

#[tokio::test]
async fn two_hundred_and_fifty_organisations_page_through_without_loss_or_repeats() {
    let app = spawn_app().await;
    let operations: Vec<(&str, Value)> = (1..=250)
        .map(|i| {
            (
                CREATE_ORGANISATION,
                json!({ "input": { "name": format!("Paged organisation {i:03}"), "kind": "COMMUNITY_GROUP" } }),
            )
        })
        .collect();
    let created: HashSet<String> = app
        .batch(&app.keys.admin, operations)
        .await
        .iter()
        .map(|d| {
            d["createOrganisation"]["id"]
                .as_str()
                .expect("an id")
                .to_owned()
        })
        .collect();
    assert_eq!(
        created.len(),
        250,
        "250 organisations with distinct ids were created"
    );
    // The provider key's own organisation is there from the start.
    let mut expected = created.clone();
    expected.insert(app.provider_organisation_id.clone());

    let mut seen: Vec<String> = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(
            pages <= 10,
            "pagination does not end: {} ids after {pages} pages",
            seen.len()
        );
        let body = app
            .gql(
                &app.keys.researcher,
                PAGE,
                json!({ "first": 100, "after": after }),
            )
            .await;
        let connection = &data(&body)["organisations"];
        assert_eq!(
            connection["totalCount"],
            expected.len(),
            "totalCount counts every page"
        );
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], after.is_some());
        let edges = connection["edges"].as_array().expect("edges");
        assert!(edges.len() <= 100, "a page holds at most `first` edges");
        for edge in edges {
            seen.push(edge["node"]["id"].as_str().expect("an id").to_owned());
        }
        if connection["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        assert_eq!(edges.len(), 100, "every page but the last is full");
        let end = connection["pageInfo"]["endCursor"]
            .as_str()
            .expect("an endCursor")
            .to_owned();
        assert_eq!(edges.last().expect("an edge")["cursor"], end.as_str());
        after = Some(end);
    }

    assert_eq!(pages, 3, "251 organisations take three pages of 100");
    let distinct: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(distinct.len(), seen.len(), "no organisation appears twice");
    assert_eq!(
        distinct, expected,
        "every organisation appears, and nothing else"
    );
    assert!(
        created.is_subset(&distinct),
        "none of the 250 created is lost"
    );
    assert_eq!(seen.iter().filter(|id| created.contains(*id)).count(), 250);
}

#[tokio::test]
async fn a_page_of_more_than_one_hundred_is_refused() {
    let app = spawn_app().await;
    let body = app
        .gql(&app.keys.researcher, PAGE, json!({ "first": 101 }))
        .await;
    assert_bad_input(&body, "first");
    assert!(
        body["data"].is_null() || body["data"]["organisations"].is_null(),
        "no page comes back: {body}"
    );

    let body = app
        .gql(&app.keys.researcher, PAGE, json!({ "first": 100 }))
        .await;
    assert_eq!(
        data(&body)["organisations"]["totalCount"],
        1,
        "100 is allowed"
    );
}
