//! The referral lifecycle through the API, as a link worker and a provider
//! use it: every allowed move, the refused ones (which write nothing),
//! retries with idempotency keys, two providers answering at once, who may
//! see a referral, and personal details kept out of free text.

use async_graphql::ID;
use chrono::Duration;
use headroom::domain::codes::Role;
use headroom::graphql::ids;
use headroom::store::entity::{referral_event, referral_flow};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{assert_bad_input, assert_error, data, spawn_app, today, TestApp};

/// The tables a lifecycle mutation writes.
const WRITTEN: &[&str] = &[
    "referral",
    "referral_need",
    "referral_event",
    "referral_flow",
    "idempotency_key",
];

/// A ward with the provider's two services in it, and a service of another
/// organisation.
struct Setting {
    app: TestApp,
    ward: String,
    service: String,
    second_service: String,
    other_organisation: String,
    other_service: String,
}

async fn setting() -> Setting {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05999101", "Riverside").await;
    let org = app.provider_organisation_id.clone();
    let hub = app.create_location(&org, &ward, "Riverside Hub").await;
    let service = app.create_service(&org, Some(&hub), "Walk and Talk").await;
    let second_service = app
        .create_service(&org, Some(&hub), "Coffee Mornings")
        .await;
    let other_organisation = app.create_organisation("Another Charity").await;
    let other_service = app
        .create_service(&other_organisation, None, "Befriending Calls")
        .await;
    Setting {
        app,
        ward,
        service,
        second_service,
        other_organisation,
        other_service,
    }
}

/// A referral as a caller follows it: its id, and the state and version
/// they last read.
struct Tracked {
    id: String,
    state: String,
    version: i64,
}

/// Records a referral as the link worker and checks what they read back.
async fn received(app: &TestApp, ward: &str, extra: Value) -> Tracked {
    let body = app
        .create_referral(&app.keys.link_worker, ward, extra)
        .await;
    let change = &data(&body)["createReferral"];
    assert_eq!(change["replayed"], false, "{body}");
    assert_eq!(change["referral"]["state"], "RECEIVED", "{body}");
    assert_eq!(change["referral"]["version"], 1, "{body}");
    assert_eq!(change["event"]["toState"], "RECEIVED", "{body}");
    assert!(change["event"]["fromState"].is_null(), "{body}");
    assert_eq!(change["event"]["actorRole"], "LINK_WORKER", "{body}");
    Tracked {
        id: change["referral"]["id"]
            .as_str()
            .expect("a referral id")
            .to_owned(),
        state: "RECEIVED".into(),
        version: 1,
    }
}

/// Makes a move that must succeed and checks what the caller reads back:
/// the new state, the version one higher, and one new event from the old
/// state to the new. Returns the change.
async fn step(app: &TestApp, key: &str, r: &mut Tracked, to: &str, extra: Value) -> Value {
    let events_before = app.count("referral_event").await;
    let body = app.move_referral(key, &r.id, r.version, to, extra).await;
    let change = data(&body)["moveReferral"].clone();
    assert_eq!(change["replayed"], false, "{body}");
    assert_eq!(change["event"]["fromState"], r.state.as_str(), "{body}");
    assert_eq!(change["event"]["toState"], to, "{body}");
    let referral = &change["referral"];
    assert_eq!(referral["id"], r.id.as_str(), "{body}");
    assert_eq!(referral["state"], to, "{body}");
    assert_eq!(
        referral["version"].as_i64(),
        Some(r.version + 1),
        "each move bumps the version by one: {body}"
    );
    let events = referral["events"].as_array().expect("events");
    assert_eq!(
        events.last().map(|e| &e["id"]),
        Some(&change["event"]["id"]),
        "the new event is the last of the history: {body}"
    );
    assert_eq!(
        app.count("referral_event").await,
        events_before + 1,
        "one event per move"
    );
    r.state = to.to_owned();
    r.version += 1;
    change
}

/// Sends a new referral to `service` as the link worker.
async fn sent(app: &TestApp, ward: &str, service: &str) -> Tracked {
    let mut r = received(app, ward, json!({})).await;
    step(
        app,
        &app.keys.link_worker,
        &mut r,
        "SENT",
        json!({ "serviceId": service }),
    )
    .await;
    r
}

/// Each event as (from, to, actor role, service id, reason, note).
fn history(referral: &Value) -> Vec<[Value; 6]> {
    referral["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {referral}"))
        .iter()
        .map(|e| {
            [
                e["fromState"].clone(),
                e["toState"].clone(),
                e["actorRole"].clone(),
                e["service"]["id"].clone(),
                e["reason"].clone(),
                e["note"].clone(),
            ]
        })
        .collect()
}

fn row_id(global: &str) -> i64 {
    ids::decode("id", &ID::from(global))
        .unwrap_or_else(|e| panic!("{global} is not a global id: {e}"))
        .1
}

/// Events of one referral into `state`, read straight from the database.
async fn events_into(app: &TestApp, referral: &str, state: &str) -> u64 {
    referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(row_id(referral)))
        .filter(referral_event::Column::ToState.eq(state))
        .count(app.store.db())
        .await
        .expect("events are counted")
}

/// The flow rows (episodes) of one referral.
async fn flows_of(app: &TestApp, referral: &str) -> Vec<referral_flow::Model> {
    referral_flow::Entity::find()
        .filter(referral_flow::Column::ReferralId.eq(row_id(referral)))
        .all(app.store.db())
        .await
        .expect("flows are read")
}

/// Every referral's (id, state, version) as the admin sees them.
async fn all_referrals(app: &TestApp) -> Vec<Value> {
    let body = app
        .gql(
            &app.keys.admin,
            "{ referrals(first: 100) { nodes { id state version } } }",
            json!({}),
        )
        .await;
    data(&body)["referrals"]["nodes"]
        .as_array()
        .expect("nodes")
        .clone()
}

const N: Value = Value::Null;

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

#[tokio::test]
async fn a_referral_is_sent_accepted_started_and_completed() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);

    let mut r = received(app, &w.ward, json!({ "note": "Prefers mornings" })).await;
    let change = step(
        app,
        worker,
        &mut r,
        "SENT",
        json!({ "serviceId": w.service, "note": "Matched on walking" }),
    )
    .await;
    assert_eq!(change["referral"]["service"]["id"], w.service.as_str());
    assert_eq!(change["event"]["service"]["id"], w.service.as_str());
    step(
        app,
        provider,
        &mut r,
        "ACCEPTED",
        json!({ "note": "First session on Tuesday" }),
    )
    .await;
    step(app, provider, &mut r, "STARTED", json!({})).await;
    let done = step(
        app,
        provider,
        &mut r,
        "COMPLETED",
        json!({ "note": "Came to all six sessions" }),
    )
    .await;

    let referral = &done["referral"];
    assert_eq!(referral["version"], 5);
    assert_eq!(referral["service"]["id"], w.service.as_str());
    let svc = s(&w.service);
    assert_eq!(
        history(referral),
        vec![
            [
                N,
                s("RECEIVED"),
                s("LINK_WORKER"),
                N,
                N,
                s("Prefers mornings")
            ],
            [
                s("RECEIVED"),
                s("SENT"),
                s("LINK_WORKER"),
                svc.clone(),
                N,
                s("Matched on walking")
            ],
            [
                s("SENT"),
                s("ACCEPTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                s("First session on Tuesday")
            ],
            [
                s("ACCEPTED"),
                s("STARTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
            [
                s("STARTED"),
                s("COMPLETED"),
                s("PROVIDER"),
                svc,
                N,
                s("Came to all six sessions")
            ],
        ]
    );

    // Both sides read the same referral from their lists.
    for key in [worker, provider] {
        let body = app
            .gql(
                key,
                "{ referrals { totalCount nodes { id state version } } }",
                json!({}),
            )
            .await;
        let list = &data(&body)["referrals"];
        assert_eq!(list["totalCount"], 1, "{body}");
        assert_eq!(list["nodes"][0]["id"], r.id.as_str());
        assert_eq!(list["nodes"][0]["state"], "COMPLETED");
        assert_eq!(list["nodes"][0]["version"], 5);
    }
    assert_eq!(app.count("referral_event").await, 5);
    let flows = flows_of(app, &r.id).await;
    assert_eq!(flows.len(), 1, "one episode: {flows:?}");
    let flow = &flows[0];
    assert_eq!(flow.service_id, row_id(&w.service));
    assert_eq!(flow.accepted_on, Some(today()));
    assert_eq!(flow.started_on, Some(today()));
    assert_eq!(flow.ended_on, Some(today()));
    assert_eq!(flow.declined_on, None);
}

#[tokio::test]
async fn a_wait_listed_referral_is_accepted_started_or_declined_later() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let svc = s(&w.service);

    // Wait-listed, then accepted, then started.
    let mut a = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut a,
        "WAIT_LISTED",
        json!({ "note": "Next intake in March" }),
    )
    .await;
    step(app, provider, &mut a, "ACCEPTED", json!({})).await;
    let last = step(app, provider, &mut a, "STARTED", json!({})).await;
    assert_eq!(last["referral"]["version"], 5);
    assert_eq!(
        history(&last["referral"])[2..],
        [
            [
                s("SENT"),
                s("WAIT_LISTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                s("Next intake in March")
            ],
            [
                s("WAIT_LISTED"),
                s("ACCEPTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
            [
                s("ACCEPTED"),
                s("STARTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
        ]
    );

    // Wait-listed, then started straight away, then did not attend.
    let mut b = sent(app, &w.ward, &w.service).await;
    step(app, provider, &mut b, "WAIT_LISTED", json!({})).await;
    step(app, provider, &mut b, "STARTED", json!({})).await;
    let last = step(
        app,
        provider,
        &mut b,
        "DID_NOT_ATTEND",
        json!({ "note": "No reply to three calls" }),
    )
    .await;
    assert_eq!(
        history(&last["referral"])[2..],
        [
            [
                s("SENT"),
                s("WAIT_LISTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
            [
                s("WAIT_LISTED"),
                s("STARTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
            [
                s("STARTED"),
                s("DID_NOT_ATTEND"),
                s("PROVIDER"),
                svc.clone(),
                N,
                s("No reply to three calls")
            ],
        ]
    );

    // Wait-listed, then declined for capacity, then sent to the
    // provider's other service, which accepts it.
    let mut c = sent(app, &w.ward, &w.service).await;
    step(app, provider, &mut c, "WAIT_LISTED", json!({})).await;
    let declined = step(
        app,
        provider,
        &mut c,
        "DECLINED",
        json!({ "reason": "CAPACITY" }),
    )
    .await;
    assert_eq!(declined["event"]["reason"], "CAPACITY");
    step(
        app,
        worker,
        &mut c,
        "SENT",
        json!({ "serviceId": w.second_service }),
    )
    .await;
    let last = step(app, provider, &mut c, "ACCEPTED", json!({})).await;
    let second = s(&w.second_service);
    assert_eq!(
        history(&last["referral"])[2..],
        [
            [
                s("SENT"),
                s("WAIT_LISTED"),
                s("PROVIDER"),
                svc.clone(),
                N,
                N
            ],
            [
                s("WAIT_LISTED"),
                s("DECLINED"),
                s("PROVIDER"),
                svc.clone(),
                s("CAPACITY"),
                N
            ],
            [
                s("DECLINED"),
                s("SENT"),
                s("LINK_WORKER"),
                second.clone(),
                N,
                N
            ],
            [s("SENT"), s("ACCEPTED"), s("PROVIDER"), second, N, N],
        ]
    );

    assert_eq!(flows_of(app, &a.id).await.len(), 1);
    assert_eq!(flows_of(app, &b.id).await.len(), 1);
    let mut episodes: Vec<i64> = flows_of(app, &c.id)
        .await
        .iter()
        .map(|f| f.service_id)
        .collect();
    episodes.sort_unstable();
    let mut expected = vec![row_id(&w.service), row_id(&w.second_service)];
    expected.sort_unstable();
    assert_eq!(episodes, expected, "one episode per service it was sent to");
    assert_eq!(app.count("referral_flow").await, 4);
}

#[tokio::test]
async fn a_declined_referral_is_sent_to_another_providers_service() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let other_provider = app
        .issue_key(Role::Provider, Some(&w.other_organisation), None)
        .await;

    let mut r = sent(app, &w.ward, &w.service).await;
    let declined = step(
        app,
        provider,
        &mut r,
        "DECLINED",
        json!({ "reason": "CAPABILITY",
                "missingCapability": { "kind": "LANGUAGE", "code": "syl" },
                "note": "No Sylheti speaker this term" }),
    )
    .await;
    assert_eq!(declined["event"]["reason"], "CAPABILITY");
    assert_eq!(declined["event"]["service"]["id"], w.service.as_str());
    let last = &declined["referral"]["events"][2];
    assert_eq!(last["missingCapability"]["kind"], "LANGUAGE", "{last}");
    assert_eq!(last["missingCapability"]["code"], "syl", "{last}");
    assert_eq!(flows_of(app, &r.id).await.len(), 1);

    let resent = step(
        app,
        worker,
        &mut r,
        "SENT",
        json!({ "serviceId": w.other_service }),
    )
    .await;
    assert_eq!(
        resent["referral"]["service"]["id"],
        w.other_service.as_str()
    );
    assert_eq!(resent["event"]["service"]["id"], w.other_service.as_str());
    assert_eq!(flows_of(app, &r.id).await.len(), 2, "a second episode");

    // The first provider no longer sees it; the second answers it.
    let body = app
        .gql(provider, "{ referrals { totalCount } }", json!({}))
        .await;
    assert_eq!(data(&body)["referrals"]["totalCount"], 0, "{body}");
    let refused = app
        .move_referral(provider, &r.id, r.version, "WITHDRAWN", json!({}))
        .await;
    assert_error(&refused, "NOT_FOUND");
    let accepted = step(app, &other_provider, &mut r, "ACCEPTED", json!({})).await;
    assert_eq!(accepted["event"]["actorRole"], "PROVIDER");

    let body = app
        .gql(
            worker,
            "query ($id: ID!) { node(id: $id) { ... on Referral { state version
                 events { fromState toState actorRole service { id } reason note } } } }",
            json!({ "id": r.id }),
        )
        .await;
    let referral = &data(&body)["node"];
    assert_eq!(referral["state"], "ACCEPTED");
    assert_eq!(referral["version"], 5);
    let (first, second) = (s(&w.service), s(&w.other_service));
    assert_eq!(
        history(referral),
        vec![
            [N, s("RECEIVED"), s("LINK_WORKER"), N, N, N],
            [
                s("RECEIVED"),
                s("SENT"),
                s("LINK_WORKER"),
                first.clone(),
                N,
                N
            ],
            [
                s("SENT"),
                s("DECLINED"),
                s("PROVIDER"),
                first,
                s("CAPABILITY"),
                s("No Sylheti speaker this term")
            ],
            [
                s("DECLINED"),
                s("SENT"),
                s("LINK_WORKER"),
                second.clone(),
                N,
                N
            ],
            [s("SENT"), s("ACCEPTED"), s("PROVIDER"), second, N, N],
        ]
    );
    let mut flows = flows_of(app, &r.id).await;
    flows.sort_by_key(|f| f.id);
    assert_eq!(flows.len(), 2);
    assert!(flows.iter().all(|f| f.episodes == 2), "{flows:?}");
    let declined_flow = flows
        .iter()
        .find(|f| f.service_id == row_id(&w.service))
        .expect("an episode at the first service");
    assert_eq!(declined_flow.declined_on, Some(today()));
    assert_eq!(declined_flow.decline_reason.as_deref(), Some("capability"));
    assert_eq!(declined_flow.accepted_on, None);
    let accepted_flow = flows
        .iter()
        .find(|f| f.service_id == row_id(&w.other_service))
        .expect("an episode at the second service");
    assert_eq!(accepted_flow.accepted_on, Some(today()));
    assert_eq!(accepted_flow.declined_on, None);
}

#[tokio::test]
async fn either_side_may_withdraw_before_the_episode_ends() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    // (how far it got, who withdraws it, their role)
    let cases: [(&[&str], &str, &str); 7] = [
        (&[], worker, "LINK_WORKER"),
        (&["SENT"], worker, "LINK_WORKER"),
        (&["SENT"], provider, "PROVIDER"),
        (&["SENT", "ACCEPTED"], provider, "PROVIDER"),
        (&["SENT", "WAIT_LISTED"], worker, "LINK_WORKER"),
        (&["SENT", "ACCEPTED", "STARTED"], provider, "PROVIDER"),
        (&["SENT", "WAIT_LISTED", "STARTED"], worker, "LINK_WORKER"),
    ];
    for (path, key, role) in cases {
        let mut r = received(app, &w.ward, json!({})).await;
        for to in path {
            let (key, extra) = match *to {
                "SENT" => (worker, json!({ "serviceId": w.service })),
                _ => (provider, json!({})),
            };
            step(app, key, &mut r, to, extra).await;
        }
        let from = r.state.clone();
        let change = step(
            app,
            key,
            &mut r,
            "WITHDRAWN",
            json!({ "note": "Moved out of the area" }),
        )
        .await;
        let event = &change["event"];
        assert_eq!(event["actorRole"], role, "{path:?}: {change}");
        assert_eq!(event["note"], "Moved out of the area");
        assert!(event["reason"].is_null(), "{change}");
        if from == "RECEIVED" {
            assert!(event["service"].is_null(), "never sent: {change}");
            assert!(
                flows_of(app, &r.id).await.is_empty(),
                "no episode without a service"
            );
        } else {
            assert_eq!(event["service"]["id"], w.service.as_str(), "{change}");
            let flows = flows_of(app, &r.id).await;
            assert_eq!(flows.len(), 1, "{path:?}");
            if from == "STARTED" {
                assert_eq!(flows[0].ended_on, Some(today()), "{flows:?}");
            }
        }
    }
    assert_eq!(app.count("referral_flow").await, 6);
}

#[tokio::test]
async fn a_forbidden_move_is_a_conflict_and_writes_nothing() {
    let w = setting().await;
    let app = &w.app;
    let (admin, worker, provider) = (&app.keys.admin, &app.keys.link_worker, &app.keys.provider);

    let fresh = received(app, &w.ward, json!({})).await;
    let sent_one = sent(app, &w.ward, &w.service).await;
    let mut accepted = sent(app, &w.ward, &w.service).await;
    step(app, provider, &mut accepted, "ACCEPTED", json!({})).await;
    let mut completed = sent(app, &w.ward, &w.service).await;
    for to in ["ACCEPTED", "STARTED", "COMPLETED"] {
        step(app, provider, &mut completed, to, json!({})).await;
    }
    let mut declined = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut declined,
        "DECLINED",
        json!({ "reason": "ELIGIBILITY" }),
    )
    .await;
    let mut withdrawn = sent(app, &w.ward, &w.service).await;
    step(app, worker, &mut withdrawn, "WITHDRAWN", json!({})).await;
    let mut dna = sent(app, &w.ward, &w.service).await;
    for to in ["ACCEPTED", "STARTED", "DID_NOT_ATTEND"] {
        step(app, provider, &mut dna, to, json!({})).await;
    }

    let before = app.counts(WRITTEN).await;
    let referrals_before = all_referrals(app).await;
    let to_second = json!({ "serviceId": w.second_service });
    let attempts: Vec<(&str, &Tracked, &str, Value)> = vec![
        // The admin acts for both sides, so only the state machine refuses.
        (admin, &fresh, "ACCEPTED", json!({})),
        (admin, &fresh, "STARTED", json!({})),
        (admin, &fresh, "COMPLETED", json!({})),
        (provider, &sent_one, "STARTED", json!({})),
        (provider, &sent_one, "COMPLETED", json!({})),
        (provider, &sent_one, "DID_NOT_ATTEND", json!({})),
        (worker, &sent_one, "SENT", to_second.clone()),
        (worker, &accepted, "SENT", to_second.clone()),
        (provider, &accepted, "WAIT_LISTED", json!({})),
        (provider, &accepted, "COMPLETED", json!({})),
        (
            provider,
            &accepted,
            "DECLINED",
            json!({ "reason": "CAPACITY" }),
        ),
        (provider, &completed, "STARTED", json!({})),
        (provider, &completed, "DID_NOT_ATTEND", json!({})),
        (provider, &completed, "WITHDRAWN", json!({})),
        (worker, &completed, "WITHDRAWN", json!({})),
        (worker, &completed, "SENT", to_second.clone()),
        (provider, &declined, "STARTED", json!({})),
        (provider, &declined, "ACCEPTED", json!({})),
        (provider, &declined, "WITHDRAWN", json!({})),
        (worker, &withdrawn, "SENT", to_second.clone()),
        (provider, &withdrawn, "ACCEPTED", json!({})),
        (provider, &dna, "COMPLETED", json!({})),
        (worker, &dna, "WITHDRAWN", json!({})),
        // A refused move with an idempotency key leaves the key unused.
        (
            provider,
            &completed,
            "STARTED",
            json!({ "idempotencyKey": "refused-move-0001" }),
        ),
    ];
    for (key, r, to, extra) in attempts {
        let body = app.move_referral(key, &r.id, r.version, to, extra).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "CONFLICT",
            "{} → {to} must be refused with CONFLICT: {body}",
            r.state
        );
        assert!(body["data"].is_null(), "{body}");
    }
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");
    assert_eq!(
        all_referrals(app).await,
        referrals_before,
        "no state or version changed"
    );

    // The key refused above is still free for a move that is allowed.
    let body = app
        .move_referral(
            provider,
            &accepted.id,
            accepted.version,
            "STARTED",
            json!({ "idempotencyKey": "refused-move-0001" }),
        )
        .await;
    assert_eq!(data(&body)["moveReferral"]["replayed"], false);
    assert_eq!(data(&body)["moveReferral"]["referral"]["state"], "STARTED");
}

#[tokio::test]
async fn a_move_made_against_an_old_version_is_a_conflict() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let mut r = sent(app, &w.ward, &w.service).await;
    let before = app.counts(WRITTEN).await;

    for version in [r.version - 1, r.version + 1, 0] {
        let body = app
            .move_referral(provider, &r.id, version, "ACCEPTED", json!({}))
            .await;
        assert_error(&body, "CONFLICT");
    }
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");

    // The provider read version 2; meanwhile the link worker withdrew it.
    let read = r.version;
    step(app, worker, &mut r, "WITHDRAWN", json!({})).await;
    let body = app
        .move_referral(provider, &r.id, read, "ACCEPTED", json!({}))
        .await;
    assert_error(&body, "CONFLICT");
    assert_eq!(events_into(app, &r.id, "accepted").await, 0);
    assert_eq!(
        all_referrals(app).await,
        vec![json!({ "id": r.id, "state": "WITHDRAWN", "version": 3 })]
    );
}

#[tokio::test]
async fn the_wrong_side_may_not_make_a_move() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let sent_one = sent(app, &w.ward, &w.service).await;
    let mut declined = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut declined,
        "DECLINED",
        json!({ "reason": "PERSON_DECLINED" }),
    )
    .await;
    let before = app.counts(WRITTEN).await;

    let attempts: Vec<(&str, &Tracked, &str, Value)> = vec![
        (worker, &sent_one, "ACCEPTED", json!({})),
        (worker, &sent_one, "WAIT_LISTED", json!({})),
        (worker, &sent_one, "DECLINED", json!({ "reason": "OTHER" })),
        (
            provider,
            &declined,
            "SENT",
            json!({ "serviceId": w.second_service }),
        ),
    ];
    for (key, r, to, extra) in attempts {
        let body = app.move_referral(key, &r.id, r.version, to, extra).await;
        assert_error(&body, "FORBIDDEN");
    }
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");
}

#[tokio::test]
async fn a_move_without_what_its_state_needs_is_bad_input() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let fresh = received(app, &w.ward, json!({})).await;
    let sent_one = sent(app, &w.ward, &w.service).await;
    let before = app.counts(WRITTEN).await;
    let syl = json!({ "kind": "LANGUAGE", "code": "syl" });

    let attempts: Vec<(&str, &Tracked, &str, Value, &str)> = vec![
        (worker, &fresh, "SENT", json!({}), "serviceId"),
        (
            worker,
            &fresh,
            "SENT",
            json!({ "serviceId": ids::encode("Service", 999_999).0 }),
            "serviceId",
        ),
        (
            worker,
            &fresh,
            "SENT",
            json!({ "serviceId": app.provider_organisation_id }),
            "serviceId",
        ),
        (worker, &fresh, "RECEIVED", json!({}), "to"),
        (
            provider,
            &sent_one,
            "ACCEPTED",
            json!({ "serviceId": w.service }),
            "serviceId",
        ),
        (provider, &sent_one, "DECLINED", json!({}), "reason"),
        (
            provider,
            &sent_one,
            "DECLINED",
            json!({ "reason": "CAPABILITY" }),
            "missingCapability",
        ),
        (
            provider,
            &sent_one,
            "DECLINED",
            json!({ "reason": "CAPACITY", "missingCapability": syl }),
            "missingCapability",
        ),
        (
            provider,
            &sent_one,
            "ACCEPTED",
            json!({ "reason": "CAPACITY" }),
            "reason",
        ),
        (
            provider,
            &sent_one,
            "ACCEPTED",
            json!({ "idempotencyKey": "short" }),
            "idempotencyKey",
        ),
    ];
    for (key, r, to, extra, field) in attempts {
        let body = app.move_referral(key, &r.id, r.version, to, extra).await;
        assert_bad_input(&body, field);
    }
    let body = app
        .create_referral(worker, &w.ward, json!({ "needs": [] }))
        .await;
    assert_bad_input(&body, "needs");
    let body = app.create_referral(worker, &w.service, json!({})).await;
    assert_bad_input(&body, "residenceWardId");
    let (authority, _) = parents(app, &w.ward).await;
    let body = app.create_referral(worker, &authority, json!({})).await;
    assert_bad_input(&body, "residenceWardId");
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");
}

#[tokio::test]
async fn a_second_referral_with_the_same_reference_is_a_conflict() {
    let w = setting().await;
    let app = &w.app;
    let worker = &app.keys.link_worker;
    let first = app
        .create_referral(worker, &w.ward, json!({ "reference": "SP-DUP-0001" }))
        .await;
    data(&first);
    let before = app.counts(WRITTEN).await;

    let body = app
        .create_referral(
            worker,
            &w.ward,
            json!({ "reference": "SP-DUP-0001", "idempotencyKey": "dup-reference-1" }),
        )
        .await;
    assert_error(&body, "CONFLICT");
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");
}

const OVERVIEW: &str = "query ($window: WindowInput!) {
    capacityOverview(window: $window, first: 100) {
        nodes { service { id } referralsAccepted referralsAnswered }
    }
}";

/// (accepted, answered) for `service` in the commissioner's overview of
/// the last week.
async fn overview_of(app: &TestApp, service: &str) -> (i64, i64) {
    let window = json!({
        "from": (today() - Duration::days(6)).to_string(),
        "to": (today() + Duration::days(1)).to_string(),
    });
    let body = app
        .gql(
            &app.keys.commissioner,
            OVERVIEW,
            json!({ "window": window }),
        )
        .await;
    let row = data(&body)["capacityOverview"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .find(|n| n["service"]["id"] == service)
        .unwrap_or_else(|| panic!("no overview row for {service}: {body}"))
        .clone();
    (
        row["referralsAccepted"].as_i64().expect("a count"),
        row["referralsAnswered"].as_i64().expect("a count"),
    )
}

#[tokio::test]
async fn the_commissioner_counts_an_accepted_referral_as_demand() {
    let w = setting().await;
    let app = &w.app;
    let provider = &app.keys.provider;
    let data_ok = app
        .record_capacity(provider, &w.service, 5, Some(today() - Duration::days(30)))
        .await;
    data(&data_ok);
    assert_eq!(overview_of(app, &w.service).await, (0, 0));

    let mut r = sent(app, &w.ward, &w.service).await;
    assert_eq!(
        overview_of(app, &w.service).await,
        (0, 0),
        "sent is not yet answered"
    );
    step(app, provider, &mut r, "ACCEPTED", json!({})).await;
    assert_eq!(overview_of(app, &w.service).await, (1, 1));

    let mut d = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut d,
        "DECLINED",
        json!({ "reason": "CAPACITY" }),
    )
    .await;
    assert_eq!(overview_of(app, &w.service).await, (1, 2));
    assert_eq!(
        overview_of(app, &w.second_service).await,
        (0, 0),
        "the other service had none"
    );
    assert_eq!(app.count("referral_flow").await, 2);
}

/// The global ids of the local authority and ICB a ward sits in.
async fn parents(app: &TestApp, ward: &str) -> (String, String) {
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { node(id: $id) { ... on Area { parent { id kind parent { id kind } } } } }",
            json!({ "id": ward }),
        )
        .await;
    let authority = &data(&body)["node"]["parent"];
    assert_eq!(authority["kind"], "LOCAL_AUTHORITY", "{body}");
    assert_eq!(authority["parent"]["kind"], "ICB", "{body}");
    let id = |v: &Value| v["id"].as_str().expect("an area id").to_owned();
    (id(authority), id(&authority["parent"]))
}

const UNMET: &str = "mutation ($input: CreateUnmetNeedInput!) {
    createUnmetNeed(input: $input) { id }
}";

const EVIDENCE: &str = "{ unmetNeeds(first: 20) { nodes { id
    declineEvidence { declinedForCapacity declinedForCapability
                      declinedForMissingCapability referralsDeclined } } } }";

#[tokio::test]
async fn a_decline_for_capacity_is_evidence_for_the_matching_unmet_need() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let elsewhere = app.insert_ward("E05999102", "Hillside").await;
    let entry = |area: &str, need: &str| {
        json!({ "input": { "areaId": area, "need": need,
                           "evidence": "Walking groups full since September",
                           "likelihood": 4, "impact": 3 } })
    };
    let (authority, icb) = parents(app, &w.ward).await;
    let mut ids = Vec::new();
    for (area, need) in [
        (&w.ward, "LONELINESS"),
        (&w.ward, "DEMENTIA"),
        (&elsewhere, "LONELINESS"),
        (&authority, "LONELINESS"),
        (&icb, "LONELINESS"),
    ] {
        let body = app
            .gql(&app.keys.commissioner, UNMET, entry(area, need))
            .await;
        ids.push(data(&body)["createUnmetNeed"]["id"].clone());
    }
    let evidence = || async {
        let body = app.gql(&app.keys.commissioner, EVIDENCE, json!({})).await;
        let nodes = data(&body)["unmetNeeds"]["nodes"]
            .as_array()
            .expect("nodes")
            .clone();
        ids.iter()
            .map(|id| {
                let n = nodes
                    .iter()
                    .find(|n| &n["id"] == id)
                    .unwrap_or_else(|| panic!("no entry {id}: {body}"));
                let e = &n["declineEvidence"];
                [
                    e["declinedForCapacity"].as_i64().expect("a count"),
                    e["declinedForCapability"].as_i64().expect("a count"),
                    e["referralsDeclined"].as_i64().expect("a count"),
                ]
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(evidence().await, vec![[0, 0, 0]; 5]);

    // Declined for capacity twice, at two services: two declines, one referral.
    let mut r = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut r,
        "DECLINED",
        json!({ "reason": "CAPACITY" }),
    )
    .await;
    assert_eq!(
        evidence().await,
        vec![[1, 0, 1], [0, 0, 0], [0, 0, 0], [1, 0, 1], [1, 0, 1]],
        "the ward's entry for the need and those of the areas it sits in"
    );
    step(
        app,
        worker,
        &mut r,
        "SENT",
        json!({ "serviceId": w.second_service }),
    )
    .await;
    step(
        app,
        provider,
        &mut r,
        "DECLINED",
        json!({ "reason": "CAPACITY" }),
    )
    .await;
    // A decline for another reason is not evidence of a gap.
    let mut other = sent(app, &w.ward, &w.service).await;
    step(
        app,
        provider,
        &mut other,
        "DECLINED",
        json!({ "reason": "ELIGIBILITY" }),
    )
    .await;
    assert_eq!(
        evidence().await,
        vec![[2, 0, 1], [0, 0, 0], [0, 0, 0], [2, 0, 1], [2, 0, 1]],
        "two declines of one referral, for its need, where it lives"
    );
}

#[tokio::test]
async fn a_retried_request_with_the_same_key_is_answered_once() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let input = json!({ "reference": "SP-IDEM-0001", "note": "Prefers mornings",
                        "idempotencyKey": "create-7f3a9c21" });

    let first = app.create_referral(worker, &w.ward, input.clone()).await;
    let first = data(&first)["createReferral"].clone();
    assert_eq!(first["replayed"], false);
    let after_first = app.counts(WRITTEN).await;
    let again = app.create_referral(worker, &w.ward, input.clone()).await;
    let again = &data(&again)["createReferral"];
    assert_eq!(again["replayed"], true, "{again}");
    assert_eq!(again["event"]["id"], first["event"]["id"]);
    assert_eq!(again["referral"]["id"], first["referral"]["id"]);
    assert_eq!(again["referral"]["version"], 1);
    assert_eq!(
        app.counts(WRITTEN).await,
        after_first,
        "a replay writes nothing"
    );

    // The same key for a different referral is refused.
    let mut changed = input.clone();
    changed["note"] = json!("Prefers afternoons");
    let body = app.create_referral(worker, &w.ward, changed).await;
    assert_error(&body, "CONFLICT");
    assert_eq!(app.counts(WRITTEN).await, after_first);

    // Moves: the same key returns the same event, even after the referral
    // moved on.
    let id = first["referral"]["id"].as_str().expect("an id").to_owned();
    let send = json!({ "serviceId": w.service, "idempotencyKey": "send-7f3a9c21" });
    let sent = app
        .move_referral(worker, &id, 1, "SENT", send.clone())
        .await;
    let sent = data(&sent)["moveReferral"].clone();
    assert_eq!(sent["replayed"], false);
    assert_eq!(sent["referral"]["version"], 2);
    let before = app.counts(WRITTEN).await;
    let retry = app
        .move_referral(worker, &id, 1, "SENT", send.clone())
        .await;
    let retry = &data(&retry)["moveReferral"];
    assert_eq!(retry["replayed"], true, "{retry}");
    assert_eq!(retry["event"]["id"], sent["event"]["id"]);
    assert_eq!(retry["referral"]["version"], 2, "not moved twice");
    assert_eq!(app.counts(WRITTEN).await, before);

    // The same key with another service, or from another version, is refused.
    let mut other = send.clone();
    other["serviceId"] = json!(w.second_service);
    let body = app.move_referral(worker, &id, 1, "SENT", other).await;
    assert_error(&body, "CONFLICT");
    let body = app
        .move_referral(
            worker,
            &id,
            2,
            "WITHDRAWN",
            json!({ "idempotencyKey": "send-7f3a9c21" }),
        )
        .await;
    assert_error(&body, "CONFLICT");
    // The key of the createReferral above, for a move, is refused too.
    let body = app
        .move_referral(
            worker,
            &id,
            2,
            "WITHDRAWN",
            json!({ "idempotencyKey": "create-7f3a9c21" }),
        )
        .await;
    assert_error(&body, "CONFLICT");
    assert_eq!(app.counts(WRITTEN).await, before);

    // Keys belong to the key that used them: the provider's own use of the
    // same string is a new request.
    let body = app
        .move_referral(
            provider,
            &id,
            2,
            "ACCEPTED",
            json!({ "idempotencyKey": "send-7f3a9c21" }),
        )
        .await;
    let accepted = &data(&body)["moveReferral"];
    assert_eq!(accepted["replayed"], false, "{body}");
    assert_eq!(accepted["referral"]["state"], "ACCEPTED");
    // And the link worker's retry still answers with the send.
    let retry = app.move_referral(worker, &id, 1, "SENT", send).await;
    let retry = &data(&retry)["moveReferral"];
    assert_eq!(retry["replayed"], true);
    assert_eq!(retry["event"]["id"], sent["event"]["id"]);
    assert_eq!(retry["event"]["toState"], "SENT");
    assert_eq!(retry["referral"]["state"], "ACCEPTED", "as it is now");
    assert_eq!(events_into(app, &id, "sent").await, 1);
    assert_eq!(events_into(app, &id, "accepted").await, 1);
}

/// Two providers of the same organisation accept the same referral, read
/// at the same version, at the same moment: one wins, the other is told
/// the referral changed, and only one acceptance is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_providers_accepting_at_once_one_wins() {
    let w = setting().await;
    let app = &w.app;
    let colleague = app
        .issue_key(Role::Provider, Some(&app.provider_organisation_id), None)
        .await;
    for round in 0..10 {
        let r = sent(app, &w.ward, &w.service).await;
        let events_before = app.count("referral_event").await;
        let (a, b) = tokio::join!(
            app.move_referral(&app.keys.provider, &r.id, r.version, "ACCEPTED", json!({})),
            app.move_referral(&colleague, &r.id, r.version, "ACCEPTED", json!({})),
        );
        let won: Vec<&Value> = [&a, &b]
            .into_iter()
            .filter(|body| body["errors"].is_null())
            .collect();
        assert_eq!(won.len(), 1, "round {round}: exactly one wins: {a} / {b}");
        let winner = &won[0]["data"]["moveReferral"];
        assert_eq!(winner["referral"]["state"], "ACCEPTED");
        assert_eq!(winner["referral"]["version"], r.version + 1);
        let lost = if a["errors"].is_null() { &b } else { &a };
        assert_error(lost, "CONFLICT");
        assert_eq!(
            events_into(app, &r.id, "accepted").await,
            1,
            "round {round}: one accepted event"
        );
        assert_eq!(
            app.count("referral_event").await,
            events_before + 1,
            "round {round}"
        );
        assert_eq!(flows_of(app, &r.id).await.len(), 1);
    }
}

/// A client that times out and retries while its first request is still
/// in flight sends the same idempotency key again: every copy must get the
/// one result (the first writes it, the others replay it), never CONFLICT.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_racing_its_original_gets_the_same_answer() {
    let w = setting().await;
    let app = &w.app;
    for round in 0..20 {
        let r = sent(app, &w.ward, &w.service).await;
        let key = format!("accept-race-{round:04}");
        let input = json!({ "idempotencyKey": key, "note": "See you Tuesday" });
        // Retries staggered over the first request's lifetime.
        let copies = (0..8u64).map(|i| {
            let input = input.clone();
            let id = r.id.clone();
            async move {
                tokio::time::sleep(std::time::Duration::from_micros(400 * i)).await;
                app.move_referral(&app.keys.provider, &id, r.version, "ACCEPTED", input)
                    .await
            }
        });
        let answers = futures_util::future::join_all(copies).await;
        let changes: Vec<&Value> = answers
            .iter()
            .map(|body| {
                assert!(
                    body["errors"].is_null(),
                    "round {round}: a retry with the same key must not fail: {body}"
                );
                &body["data"]["moveReferral"]
            })
            .collect();
        let first_event = &changes[0]["event"]["id"];
        assert!(
            changes.iter().all(|c| &c["event"]["id"] == first_event),
            "round {round}: one event for all: {changes:?}"
        );
        let fresh = changes.iter().filter(|c| c["replayed"] == false).count();
        assert_eq!(fresh, 1, "round {round}: the others are replays");
        assert_eq!(events_into(app, &r.id, "accepted").await, 1);
    }
}

#[tokio::test]
async fn only_the_referrals_own_sides_may_see_or_move_it() {
    let w = setting().await;
    let app = &w.app;
    let other_gateway = app.insert_gateway("Another Gateway").await;
    let stranger = app
        .issue_key(Role::LinkWorker, None, Some(other_gateway))
        .await;
    let other_provider = app
        .issue_key(Role::Provider, Some(&w.other_organisation), None)
        .await;
    let fresh = received(app, &w.ward, json!({})).await;
    let r = sent(app, &w.ward, &w.service).await;
    let before = app.counts(WRITTEN).await;

    let node = "query ($id: ID!) { node(id: $id) { id } }";
    for key in [&stranger, &other_provider] {
        let body = app
            .gql(key, "{ referrals { totalCount } }", json!({}))
            .await;
        assert_eq!(data(&body)["referrals"]["totalCount"], 0, "{body}");
        for id in [&fresh.id, &r.id] {
            let body = app.gql(key, node, json!({ "id": id })).await;
            assert!(data(&body)["node"].is_null(), "{body}");
        }
    }
    let attempts: Vec<(&str, &Tracked, &str, Value)> = vec![
        (&stranger, &fresh, "SENT", json!({ "serviceId": w.service })),
        (&stranger, &fresh, "WITHDRAWN", json!({})),
        (&stranger, &r, "WITHDRAWN", json!({})),
        (&other_provider, &r, "ACCEPTED", json!({})),
        (
            &other_provider,
            &r,
            "DECLINED",
            json!({ "reason": "CAPACITY" }),
        ),
        (&other_provider, &r, "WITHDRAWN", json!({})),
        (&app.keys.provider, &fresh, "WITHDRAWN", json!({})),
    ];
    for (key, target, to, extra) in attempts {
        let body = app
            .move_referral(key, &target.id, target.version, to, extra)
            .await;
        assert_error(&body, "NOT_FOUND");
    }

    // A link worker refers through their own gateway only.
    let body = app
        .gql(
            &app.keys.link_worker,
            "query ($id: ID!) { node(id: $id) { ... on Referral { gateway { id } } } }",
            json!({ "id": r.id }),
        )
        .await;
    let own_gateway = data(&body)["node"]["gateway"]["id"].clone();
    assert!(own_gateway.is_string(), "{own_gateway}");
    let body = app
        .create_referral(&stranger, &w.ward, json!({ "gatewayId": own_gateway }))
        .await;
    assert_error(&body, "FORBIDDEN");

    for key in [&app.keys.commissioner, &app.keys.researcher] {
        let body = app
            .move_referral(key, &r.id, r.version, "WITHDRAWN", json!({}))
            .await;
        assert_error(&body, "FORBIDDEN");
        let body = app
            .gql(key, "{ referrals { totalCount } }", json!({}))
            .await;
        assert_error(&body, "FORBIDDEN");
        let body = app.create_referral(key, &w.ward, json!({})).await;
        assert_error(&body, "FORBIDDEN");
        let body = app.gql(key, node, json!({ "id": r.id })).await;
        assert!(body["data"]["node"].is_null(), "{body}");
    }
    assert_eq!(app.counts(WRITTEN).await, before, "nothing was written");
    assert_eq!(
        all_referrals(app).await,
        vec![
            json!({ "id": fresh.id, "state": "RECEIVED", "version": 1 }),
            json!({ "id": r.id, "state": "SENT", "version": 2 }),
        ]
    );
}

#[tokio::test]
async fn personal_details_in_free_text_are_refused() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let r = sent(app, &w.ward, &w.service).await;
    let mut tables = WRITTEN.to_vec();
    tables.push("unmet_need");
    let before = app.counts(&tables).await;

    let notes = [
        "NHS no. 943 476 5919",
        "ref 9434765919",
        "email jo.bloggs@example.org if late",
        "ring her on 07700 900123",
        "daughter's mobile +44 7700 900123",
    ];
    for note in notes {
        let body = app
            .create_referral(worker, &w.ward, json!({ "note": note }))
            .await;
        assert_bad_input(&body, "note");
        let body = app
            .move_referral(
                provider,
                &r.id,
                r.version,
                "ACCEPTED",
                json!({ "note": note }),
            )
            .await;
        assert_bad_input(&body, "note");
        let body = app
            .move_referral(
                provider,
                &r.id,
                r.version,
                "DECLINED",
                json!({ "reason": "OTHER", "note": note }),
            )
            .await;
        assert_bad_input(&body, "note");
    }
    for reference in [
        "SP-9434765919",
        "943-476-5919",
        "07700900123",
        "SP-07700900123",
        "jo@example.org",
    ] {
        let body = app
            .create_referral(worker, &w.ward, json!({ "reference": reference }))
            .await;
        assert_bad_input(&body, "reference");
    }
    let body = app
        .gql(
            &app.keys.commissioner,
            UNMET,
            json!({ "input": { "areaId": w.ward, "need": "LONELINESS",
                               "evidence": "Mrs B (07700 900123) was turned away twice",
                               "likelihood": 3, "impact": 3 } }),
        )
        .await;
    assert_bad_input(&body, "evidence");
    assert_eq!(app.counts(&tables).await, before, "nothing was written");

    // Ordinary numbers are fine: dates, counts, and ten digits that fail
    // the NHS number's check.
    let body = app
        .create_referral(
            worker,
            &w.ward,
            json!({ "note": "3 sessions a week from 2026-11-23; old ref 9434765918" }),
        )
        .await;
    let created = &data(&body)["createReferral"];
    assert_eq!(
        created["event"]["note"],
        "3 sessions a week from 2026-11-23; old ref 9434765918"
    );
}
