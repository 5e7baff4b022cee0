//! Following referrals over WebSocket (`graphql-transport-ws` at
//! `/graphql/ws`): each side hears the moves on the referrals it may see
//! as they are committed, and nothing else; a connection without a key,
//! or a subscription to someone else's referral, is refused.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use headroom::domain::codes::Role;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::time::{sleep, timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{data, spawn_app, spawn_app_with, TestApp};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long anything the server owes us may take before the test fails.
const WAIT: Duration = Duration::from_secs(10);

const REFERRAL_EVENTS: &str = "subscription ($id: ID!) {
    referralEvents(referralId: $id) { id toState fromState actorRole service { id } }
}";

const PROVIDER_EVENTS: &str = "subscription ($serviceId: ID) {
    providerReferralEvents(serviceId: $serviceId) { id toState fromState actorRole service { id } }
}";

/// What the server said next.
#[derive(Debug)]
enum Heard {
    Message(Value),
    /// The connection closed (a close frame, or the stream ended).
    Closed,
    /// The server closed the connection with this code.
    ClosedWith(u16),
}

/// Opens a WebSocket to `/graphql/ws` speaking `graphql-transport-ws`.
async fn open(app: &TestApp) -> Socket {
    let url = format!(
        "ws://{}/graphql/ws",
        app.address.trim_start_matches("http://")
    );
    let mut request = url
        .into_client_request()
        .expect("a valid WebSocket request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (socket, response) = timeout(WAIT, tokio_tungstenite::connect_async(request))
        .await
        .expect("the WebSocket handshake does not hang")
        .expect("the server upgrades to a WebSocket");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("graphql-transport-ws"),
        "the server speaks the protocol asked for"
    );
    socket
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("the message is sent");
}

/// The next protocol message, answering the server's pings on the way.
/// Panics if nothing arrives within `WAIT`.
async fn receive(socket: &mut Socket) -> Heard {
    receive_within(socket, WAIT)
        .await
        .unwrap_or_else(|| panic!("the server said nothing within {WAIT:?}"))
}

/// The next protocol message, or `None` if nothing came within `limit`.
async fn receive_within(socket: &mut Socket, limit: Duration) -> Option<Heard> {
    let deadline = Instant::now() + limit;
    loop {
        let next = timeout(
            deadline.saturating_duration_since(Instant::now()),
            socket.next(),
        )
        .await
        .ok()?;
        match next {
            Some(Ok(Message::Close(Some(frame)))) => {
                return Some(Heard::ClosedWith(frame.code.into()))
            }
            None | Some(Err(_)) | Some(Ok(Message::Close(None))) => return Some(Heard::Closed),
            Some(Ok(Message::Text(text))) => {
                let message: Value = serde_json::from_str(text.as_str())
                    .unwrap_or_else(|e| panic!("the server sent non-JSON ({e}): {text}"));
                if message["type"] == "ping" {
                    send(socket, json!({ "type": "pong" })).await;
                    continue;
                }
                return Some(Heard::Message(message));
            }
            Some(Ok(_)) => continue,
        }
    }
}

/// Opens a connection and sends `connection_init` with `payload`; what the
/// server answers.
async fn init_with(app: &TestApp, payload: Value) -> (Socket, Heard) {
    let mut socket = open(app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await;
    let heard = receive(&mut socket).await;
    (socket, heard)
}

/// A connection acknowledged for `key`.
async fn connect(app: &TestApp, key: &str) -> Socket {
    let (socket, heard) = init_with(app, json!({ "Authorization": format!("Bearer {key}") })).await;
    match heard {
        Heard::Message(m) if m["type"] == "connection_ack" => socket,
        other => panic!("expected connection_ack, got {other:?}"),
    }
}

/// Starts subscription `id`. The resolver reads the database once (to
/// check the referral or service) before it listens, so this waits for
/// that read and a moment more: an event committed after this returns is
/// not missed.
async fn subscribe(app: &TestApp, socket: &mut Socket, id: &str, query: &str, variables: Value) {
    let before = app.store.statements_executed();
    send(
        socket,
        json!({ "id": id, "type": "subscribe",
                "payload": { "query": query, "variables": variables } }),
    )
    .await;
    let deadline = Instant::now() + WAIT;
    while app.store.statements_executed() == before {
        assert!(
            Instant::now() < deadline,
            "the subscription never read the database"
        );
        sleep(Duration::from_millis(10)).await;
    }
    sleep(Duration::from_millis(200)).await;
}

/// The next event delivered on subscription `id`.
async fn next_event(socket: &mut Socket, id: &str) -> Value {
    match receive(socket).await {
        Heard::Message(m) if m["type"] == "next" && m["id"] == id => {
            assert!(
                m["payload"]["errors"].is_null(),
                "an event without errors: {m}"
            );
            let data = &m["payload"]["data"];
            data.as_object()
                .and_then(|o| o.values().next())
                .cloned()
                .unwrap_or_else(|| panic!("an event with data: {m}"))
        }
        other => panic!("expected an event on subscription {id}, got {other:?}"),
    }
}

/// Asserts that subscription `id` was refused: an `error` message, a
/// result carrying errors and no data, or the connection closing. Returns
/// the errors, if the server sent any.
async fn assert_refused(socket: &mut Socket, id: &str) -> Vec<Value> {
    match receive(socket).await {
        Heard::Closed | Heard::ClosedWith(_) => Vec::new(),
        Heard::Message(m) if m["type"] == "error" && m["id"] == id => {
            m["payload"].as_array().cloned().unwrap_or_default()
        }
        Heard::Message(m) if m["type"] == "next" && m["id"] == id => {
            let errors = m["payload"]["errors"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(!errors.is_empty(), "a refusal carries errors: {m}");
            assert!(
                m["payload"]["data"].is_null(),
                "a refusal carries no data: {m}"
            );
            errors
        }
        other => panic!("expected subscription {id} to be refused, got {other:?}"),
    }
}

/// Asserts that nothing but the end of subscription `id` (a `complete`, or
/// the connection closing) arrives within `limit`.
async fn assert_no_events(socket: &mut Socket, id: &str, limit: Duration) {
    while let Some(heard) = receive_within(socket, limit).await {
        match heard {
            Heard::Closed | Heard::ClosedWith(_) => return,
            Heard::Message(m) if m["type"] == "complete" && m["id"] == id => {}
            Heard::Message(m) => panic!("expected no more events, got {m}"),
        }
    }
}

/// A ward with one service of the provider's, a second of the provider's,
/// and one of another organisation; and a referral received from the ward.
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
    let ward = app.insert_ward("E05999201", "Canalside").await;
    let org = app.provider_organisation_id.clone();
    let service = app.create_service(&org, None, "Walk and Talk").await;
    let second_service = app.create_service(&org, None, "Coffee Mornings").await;
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

/// A referral received from `ward`; its id.
async fn received(app: &TestApp, ward: &str) -> String {
    let body = app
        .create_referral(&app.keys.link_worker, ward, json!({}))
        .await;
    data(&body)["createReferral"]["referral"]["id"]
        .as_str()
        .expect("a referral id")
        .to_owned()
}

/// Moves a referral; the event recorded.
async fn move_to(
    app: &TestApp,
    key: &str,
    id: &str,
    version: i64,
    to: &str,
    extra: Value,
) -> Value {
    let body = app.move_referral(key, id, version, to, extra).await;
    data(&body)["moveReferral"]["event"].clone()
}

#[tokio::test]
async fn a_link_worker_hears_the_provider_accept_their_referral() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let followed = received(app, &w.ward).await;
    let other = received(app, &w.ward).await;
    for id in [&followed, &other] {
        move_to(
            app,
            worker,
            id,
            1,
            "SENT",
            json!({ "serviceId": w.service }),
        )
        .await;
    }

    let mut socket = connect(app, worker).await;
    subscribe(
        app,
        &mut socket,
        "1",
        REFERRAL_EVENTS,
        json!({ "id": followed }),
    )
    .await;

    // Another referral's move first: not this subscription's.
    move_to(app, provider, &other, 2, "ACCEPTED", json!({})).await;
    let accepted = move_to(app, provider, &followed, 2, "ACCEPTED", json!({})).await;
    let heard = next_event(&mut socket, "1").await;
    assert_eq!(heard["id"], accepted["id"], "{heard}");
    assert_eq!(heard["fromState"], "SENT");
    assert_eq!(heard["toState"], "ACCEPTED");
    assert_eq!(heard["actorRole"], "PROVIDER");
    assert_eq!(heard["service"]["id"], w.service.as_str());

    let started = move_to(app, provider, &followed, 3, "STARTED", json!({})).await;
    let heard = next_event(&mut socket, "1").await;
    assert_eq!(heard["id"], started["id"]);
    assert_eq!(heard["toState"], "STARTED");

    // Unsubscribing ends it.
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    move_to(app, provider, &followed, 4, "COMPLETED", json!({})).await;
    assert_no_events(&mut socket, "1", Duration::from_millis(500)).await;
}

#[tokio::test]
async fn a_provider_hears_referrals_sent_to_its_services() {
    let w = setting().await;
    let app = &w.app;
    let worker = &app.keys.link_worker;
    let mut socket = connect(app, &app.keys.provider).await;
    // "all": every service of the provider's; "one": one service. The
    // second reads the database, so waiting for it covers both.
    send(
        &mut socket,
        json!({ "id": "all", "type": "subscribe",
                "payload": { "query": PROVIDER_EVENTS, "variables": {} } }),
    )
    .await;
    subscribe(
        app,
        &mut socket,
        "one",
        PROVIDER_EVENTS,
        json!({ "serviceId": w.service }),
    )
    .await;

    // Sent to another organisation's service, then to the provider's
    // second service, then to the one followed.
    let elsewhere = received(app, &w.ward).await;
    let second = received(app, &w.ward).await;
    let first = received(app, &w.ward).await;
    move_to(
        app,
        worker,
        &elsewhere,
        1,
        "SENT",
        json!({ "serviceId": w.other_service }),
    )
    .await;
    let to_second = move_to(
        app,
        worker,
        &second,
        1,
        "SENT",
        json!({ "serviceId": w.second_service }),
    )
    .await;
    let to_first = move_to(
        app,
        worker,
        &first,
        1,
        "SENT",
        json!({ "serviceId": w.service }),
    )
    .await;

    let mut heard: Vec<(String, Value)> = Vec::new();
    while heard.len() < 3 {
        match receive(&mut socket).await {
            Heard::Message(m) if m["type"] == "next" => {
                assert!(m["payload"]["errors"].is_null(), "{m}");
                heard.push((
                    m["id"].as_str().expect("an id").to_owned(),
                    m["payload"]["data"]["providerReferralEvents"].clone(),
                ));
            }
            other => panic!("expected events, got {other:?}"),
        }
    }
    let on = |sub: &str| -> Vec<(Value, Value, Value)> {
        heard
            .iter()
            .filter(|(id, _)| id == sub)
            .map(|(_, e)| {
                (
                    e["id"].clone(),
                    e["toState"].clone(),
                    e["service"]["id"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        on("all"),
        vec![
            (
                to_second["id"].clone(),
                json!("SENT"),
                json!(w.second_service)
            ),
            (to_first["id"].clone(), json!("SENT"), json!(w.service)),
        ],
        "both of its services, not the other organisation's"
    );
    assert_eq!(
        on("one"),
        vec![(to_first["id"].clone(), json!("SENT"), json!(w.service))],
        "only the service asked for"
    );
    assert_no_events(&mut socket, "none", Duration::from_millis(300)).await;
}

#[tokio::test]
async fn notes_over_websocket_follow_the_same_rule_as_a_referrals_events() {
    let w = setting().await;
    let app = &w.app;
    let (worker, provider) = (&app.keys.link_worker, &app.keys.provider);
    let other_provider = app
        .issue_key(Role::Provider, Some(&w.other_organisation), None)
        .await;
    let referral = received(app, &w.ward).await;
    const WITH_NOTES: &str = "subscription ($id: ID!) {
        referralEvents(referralId: $id) { id toState note withheld service { id } }
    }";
    const PROVIDER_NOTES: &str = "subscription {
        providerReferralEvents { id toState note withheld service { id } }
    }";
    // providerReferralEvents without a service reads nothing before it
    // listens; the link worker's subscription does, and waiting for it
    // gives the other two time to listen too.
    let mut admin = connect(app, &app.keys.admin).await;
    send(
        &mut admin,
        json!({ "id": "a", "type": "subscribe",
                "payload": { "query": PROVIDER_NOTES, "variables": {} } }),
    )
    .await;
    let mut second = connect(app, &other_provider).await;
    send(
        &mut second,
        json!({ "id": "b", "type": "subscribe",
                "payload": { "query": PROVIDER_NOTES, "variables": {} } }),
    )
    .await;
    let mut gateway_side = connect(app, worker).await;
    subscribe(
        app,
        &mut gateway_side,
        "w",
        WITH_NOTES,
        json!({ "id": referral }),
    )
    .await;

    // Sent to the provider, declined there with a note, sent on to the
    // other organisation and accepted there with a note.
    let moves = [
        (
            worker.as_str(),
            "SENT",
            json!({ "serviceId": w.service, "note": "for A" }),
        ),
        (
            provider.as_str(),
            "DECLINED",
            json!({ "reason": "CAPACITY", "note": "A is full" }),
        ),
        (
            worker.as_str(),
            "SENT",
            json!({ "serviceId": w.other_service, "note": "for B" }),
        ),
        (
            other_provider.as_str(),
            "ACCEPTED",
            json!({ "note": "B takes it" }),
        ),
    ];
    for (version, (key, to, extra)) in (1..).zip(moves) {
        move_to(app, key, &referral, version, to, extra).await;
    }

    let notes = |events: Vec<Value>| -> Vec<(Value, Value, Value)> {
        events
            .iter()
            .map(|e| {
                (
                    e["toState"].clone(),
                    e["note"].clone(),
                    e["withheld"].clone(),
                )
            })
            .collect()
    };
    let whole = vec![
        (json!("SENT"), json!("for A"), json!(false)),
        (json!("DECLINED"), json!("A is full"), json!(false)),
        (json!("SENT"), json!("for B"), json!(false)),
        (json!("ACCEPTED"), json!("B takes it"), json!(false)),
    ];
    let mut heard = Vec::new();
    for _ in 0..4 {
        heard.push(next_event(&mut gateway_side, "w").await);
    }
    assert_eq!(notes(heard), whole, "the gateway's side hears every note");
    let mut heard = Vec::new();
    for _ in 0..4 {
        heard.push(next_event(&mut admin, "a").await);
    }
    assert_eq!(notes(heard), whole, "an admin hears every note");
    // The other organisation hears its own episode, whole, and nothing of
    // the first provider's.
    let mut heard = Vec::new();
    for _ in 0..2 {
        heard.push(next_event(&mut second, "b").await);
    }
    assert_eq!(notes(heard), whole[2..].to_vec());
    assert_no_events(&mut second, "b", Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_subscription_to_someone_elses_referral_is_refused() {
    let w = setting().await;
    let app = &w.app;
    let other_gateway = app.insert_gateway("Another Gateway").await;
    let stranger = app
        .issue_key(Role::LinkWorker, None, Some(other_gateway))
        .await;
    let other_provider = app
        .issue_key(Role::Provider, Some(&w.other_organisation), None)
        .await;
    let referral = received(app, &w.ward).await;
    move_to(
        app,
        &app.keys.link_worker,
        &referral,
        1,
        "SENT",
        json!({ "serviceId": w.service }),
    )
    .await;

    let cases: Vec<(&str, &str, Value)> = vec![
        (&stranger, REFERRAL_EVENTS, json!({ "id": referral })),
        (&other_provider, REFERRAL_EVENTS, json!({ "id": referral })),
        (
            &app.keys.commissioner,
            REFERRAL_EVENTS,
            json!({ "id": referral }),
        ),
        (
            &app.keys.researcher,
            REFERRAL_EVENTS,
            json!({ "id": referral }),
        ),
        (
            &other_provider,
            PROVIDER_EVENTS,
            json!({ "serviceId": w.service }),
        ),
        (&app.keys.link_worker, PROVIDER_EVENTS, json!({})),
        (&app.keys.commissioner, PROVIDER_EVENTS, json!({})),
    ];
    let mut sockets = Vec::new();
    for (key, query, variables) in cases {
        let mut socket = connect(app, key).await;
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": query, "variables": variables } }),
        )
        .await;
        assert_refused(&mut socket, "1").await;
        sockets.push(socket);
    }

    // The referral moves on; none of them hears it.
    move_to(app, &app.keys.provider, &referral, 2, "ACCEPTED", json!({})).await;
    for socket in &mut sockets {
        assert_no_events(socket, "1", Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_refused_subscription_says_why_with_a_code() {
    let w = setting().await;
    let app = &w.app;
    let other_gateway = app.insert_gateway("Another Gateway").await;
    let stranger = app
        .issue_key(Role::LinkWorker, None, Some(other_gateway))
        .await;
    let referral = received(app, &w.ward).await;

    let cases: Vec<(&str, Value, &str)> = vec![
        (&stranger, json!({ "id": referral }), "NOT_FOUND"),
        (
            &app.keys.commissioner,
            json!({ "id": referral }),
            "FORBIDDEN",
        ),
    ];
    for (key, variables, code) in cases {
        let mut socket = connect(app, key).await;
        send(
            &mut socket,
            json!({ "id": "1", "type": "subscribe",
                    "payload": { "query": REFERRAL_EVENTS, "variables": variables } }),
        )
        .await;
        let errors = assert_refused(&mut socket, "1").await;
        assert_eq!(
            errors.first().map(|e| e["extensions"]["code"].clone()),
            Some(json!(code)),
            "the refusal carries its code, as over HTTP: {errors:?}"
        );
    }
}

#[tokio::test]
async fn a_connection_without_a_valid_key_is_refused() {
    let w = setting().await;
    let app = &w.app;
    let referral = received(app, &w.ward).await;
    let payloads = [
        json!({}),
        json!({ "Authorization": "" }),
        json!({ "Authorization": "Bearer hr_00000000_not-a-real-key" }),
        json!({ "Authorization": app.keys.link_worker }),
    ];
    for payload in payloads {
        let (mut socket, heard) = init_with(app, payload.clone()).await;
        match heard {
            Heard::Closed | Heard::ClosedWith(_) => {}
            Heard::Message(m) => {
                assert_ne!(m["type"], "connection_ack", "{payload}: {m}");
                assert_eq!(m["type"], "connection_error", "{payload}: {m}");
            }
        }
        // Nothing can be subscribed to on it.
        let _ = socket
            .send(Message::text(
                json!({ "id": "1", "type": "subscribe",
                        "payload": { "query": REFERRAL_EVENTS, "variables": { "id": referral } } })
                .to_string(),
            ))
            .await;
        assert_no_events(&mut socket, "1", Duration::from_millis(300)).await;
    }

    // Subscribing without connection_init at all is refused too.
    let mut socket = open(app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": REFERRAL_EVENTS, "variables": { "id": referral } } }),
    )
    .await;
    match receive(&mut socket).await {
        Heard::Closed | Heard::ClosedWith(_) => {}
        other => panic!("expected the connection to close, got {other:?}"),
    }
}

/// The prefix `keys revoke` takes: the 8 characters after `hr_`.
fn prefix(key: &str) -> &str {
    &key[3..11]
}

/// Waits for the server to close the socket, skipping any refusals.
async fn closing_code(socket: &mut Socket) -> Option<u16> {
    loop {
        match receive(socket).await {
            Heard::ClosedWith(code) => return Some(code),
            Heard::Closed => return None,
            Heard::Message(m) => assert!(
                m["type"] != "next" || m["payload"]["data"].is_null(),
                "a revoked key must not be sent any result: {m}"
            ),
        }
    }
}

#[tokio::test]
async fn revoking_a_key_closes_its_open_socket_within_seconds() {
    let app = spawn_app_with(|s| s.ws_key_check = Duration::from_secs(1)).await;
    let mut socket = connect(&app, &app.keys.provider).await;
    subscribe(&app, &mut socket, "1", PROVIDER_EVENTS, json!({})).await;
    headroom::store::keys::revoke_key(&app.store, prefix(&app.keys.provider))
        .await
        .expect("the key is revoked");
    let started = Instant::now();
    assert_eq!(
        closing_code(&mut socket).await,
        Some(4401),
        "the socket closes with graphql-transport-ws' Unauthorized"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_operation_after_revocation_is_refused_and_closes_the_socket() {
    // The timer would not fire during the test: the operation's own check
    // must catch the revocation.
    let app = spawn_app_with(|s| s.ws_key_check = Duration::from_secs(600)).await;
    let mut socket = connect(&app, &app.keys.provider).await;
    headroom::store::keys::revoke_key(&app.store, prefix(&app.keys.provider))
        .await
        .expect("the key is revoked");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": PROVIDER_EVENTS } }),
    )
    .await;
    assert_eq!(closing_code(&mut socket).await, Some(4401));
}
