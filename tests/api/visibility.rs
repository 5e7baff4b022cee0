//! What each side of a referral sees of the other's episodes. A referral
//! declined by one organisation (with a note) and sent on to a second: the
//! second provider sees what happened at the first as codes (states, time,
//! reason, missing capability) but not its note nor its service; its own
//! notes it sees whole. The first provider no longer sees the referral at
//! all; the gateway's link worker and an admin see everything.

use headroom::domain::codes::Role;
use serde_json::{json, Value};

use crate::helpers::{data, spawn_app, TestApp};

const EVENTS: &str = "query ($id: ID!) { node(id: $id) { ... on Referral { state
    events { fromState toState occurredAt actorRole reason
             missingCapability { kind code } service { id } note withheld } } } }";

const LISTED: &str = "{ referrals(first: 10) { totalCount
    edges { node { id events { toState note service { id } } } } } }";

const GATEWAY_NOTE: &str = "Prefers mornings; walks with a stick";
const SENT_TO_A: &str = "Speaks Sylheti, some English";
const DECLINED_BY_A: &str = "No Sylheti speaker until the spring";
const SENT_TO_B: &str = "Second try: they run a Sylheti group";
const ACCEPTED_BY_B: &str = "Starts Tuesday at 10:30";

/// A referral sent to organisation A, declined there for capability with
/// a note, sent on to organisation B and accepted there with a note.
struct Story {
    app: TestApp,
    referral: String,
    service_a: String,
    service_b: String,
    provider_b: String,
    /// B's accept, as B's key read it back.
    accepted: Value,
}

async fn moved(app: &TestApp, key: &str, id: &str, version: i64, to: &str, extra: Value) -> Value {
    let body = app.move_referral(key, id, version, to, extra).await;
    data(&body)["moveReferral"].clone()
}

async fn story() -> Story {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05999401", "Old Town").await;
    let org_a = app.provider_organisation_id.clone();
    let service_a = app.create_service(&org_a, None, "Carers' Cafe").await;
    let org_b = app.create_organisation("Sylhet Elders' Group").await;
    let service_b = app.create_service(&org_b, None, "Elders' Lunch").await;
    let provider_b = app.issue_key(Role::Provider, Some(&org_b), None).await;
    let worker = app.keys.link_worker.clone();

    let body = app
        .create_referral(&worker, &ward, json!({ "note": GATEWAY_NOTE }))
        .await;
    let referral = data(&body)["createReferral"]["referral"]["id"]
        .as_str()
        .expect("a referral id")
        .to_owned();
    moved(
        &app,
        &worker,
        &referral,
        1,
        "SENT",
        json!({ "serviceId": service_a, "note": SENT_TO_A }),
    )
    .await;
    moved(
        &app,
        &app.keys.provider,
        &referral,
        2,
        "DECLINED",
        json!({ "reason": "CAPABILITY",
                "missingCapability": { "kind": "LANGUAGE", "code": "syl" },
                "note": DECLINED_BY_A }),
    )
    .await;
    moved(
        &app,
        &worker,
        &referral,
        3,
        "SENT",
        json!({ "serviceId": service_b, "note": SENT_TO_B }),
    )
    .await;
    let accepted = moved(
        &app,
        &provider_b,
        &referral,
        4,
        "ACCEPTED",
        json!({ "note": ACCEPTED_BY_B }),
    )
    .await;
    Story {
        app,
        referral,
        service_a,
        service_b,
        provider_b,
        accepted,
    }
}

/// The referral's events as `key` reads them by id.
async fn events(s: &Story, key: &str) -> Vec<Value> {
    let body = s.app.gql(key, EVENTS, json!({ "id": s.referral })).await;
    let referral = &data(&body)["node"];
    assert_eq!(referral["state"], "ACCEPTED", "{body}");
    referral["events"].as_array().expect("events").clone()
}

/// Each event as (to state, service id, note).
fn outline(events: &[Value]) -> Vec<(Value, Value, Value)> {
    events
        .iter()
        .map(|e| {
            (
                e["toState"].clone(),
                e["service"]["id"].clone(),
                e["note"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_provider_sees_another_organisations_episode_without_its_note_or_service() {
    let s = story().await;
    let b = events(&s, &s.provider_b).await;
    let own = json!(s.service_b);
    assert_eq!(
        outline(&b),
        vec![
            (json!("RECEIVED"), Value::Null, json!(GATEWAY_NOTE)),
            (json!("SENT"), Value::Null, Value::Null),
            (json!("DECLINED"), Value::Null, Value::Null),
            (json!("SENT"), own.clone(), json!(SENT_TO_B)),
            (json!("ACCEPTED"), own, json!(ACCEPTED_BY_B)),
        ],
        "A's note and service are withheld from B; B's own are not: {b:?}"
    );
    let withheld: Vec<&Value> = b.iter().map(|e| &e["withheld"]).collect();
    assert_eq!(
        withheld,
        [false, true, true, false, false]
            .map(|w| json!(w))
            .iter()
            .collect::<Vec<_>>(),
        "B is told what it cannot see"
    );
    // What a link worker needs to understand the history is still there.
    let declined = &b[2];
    assert_eq!(declined["fromState"], "SENT");
    assert_eq!(declined["actorRole"], "PROVIDER");
    assert_eq!(declined["reason"], "CAPABILITY");
    assert_eq!(
        declined["missingCapability"],
        json!({ "kind": "LANGUAGE", "code": "syl" })
    );
    assert!(declined["occurredAt"].is_string(), "{declined}");
    assert_eq!(b[1]["actorRole"], "LINK_WORKER");

    // The same through B's own move and through the listing.
    let seen = s.accepted["referral"]["events"].as_array().expect("events");
    assert_eq!(seen[2]["note"], Value::Null, "{seen:?}");
    assert_eq!(seen[2]["service"], Value::Null, "{seen:?}");
    assert_eq!(seen[4]["note"], ACCEPTED_BY_B);
    let body = s.app.gql(&s.provider_b, LISTED, json!({})).await;
    let listed = &data(&body)["referrals"];
    assert_eq!(listed["totalCount"], 1, "{body}");
    let listed = &listed["edges"][0]["node"]["events"];
    assert_eq!(listed[1]["note"], Value::Null, "{body}");
    assert_eq!(listed[2]["note"], Value::Null, "{body}");
    assert_eq!(listed[2]["service"], Value::Null, "{body}");
    assert_eq!(listed[3]["note"], SENT_TO_B, "{body}");
}

#[tokio::test]
async fn the_first_provider_no_longer_sees_a_referral_sent_on() {
    let s = story().await;
    let a = &s.app.keys.provider;
    let body = s.app.gql(a, EVENTS, json!({ "id": s.referral })).await;
    assert_eq!(data(&body)["node"], Value::Null, "{body}");
    let body = s.app.gql(a, LISTED, json!({})).await;
    assert_eq!(data(&body)["referrals"]["totalCount"], 0, "{body}");
}

#[tokio::test]
async fn the_link_worker_and_an_admin_see_every_note_and_service() {
    let s = story().await;
    let (a, b) = (json!(s.service_a), json!(s.service_b));
    let whole = vec![
        (json!("RECEIVED"), Value::Null, json!(GATEWAY_NOTE)),
        (json!("SENT"), a.clone(), json!(SENT_TO_A)),
        (json!("DECLINED"), a, json!(DECLINED_BY_A)),
        (json!("SENT"), b.clone(), json!(SENT_TO_B)),
        (json!("ACCEPTED"), b, json!(ACCEPTED_BY_B)),
    ];
    for key in [&s.app.keys.link_worker, &s.app.keys.admin] {
        let seen = events(&s, key).await;
        assert_eq!(outline(&seen), whole);
        assert!(seen.iter().all(|e| e["withheld"] == false), "{seen:?}");
    }
}
