//! The demo borough, as `serve --demo` seeds it, browsed through the API.

use chrono::NaiveDate;
use serde_json::json;

use crate::helpers::{data, spawn_demo_app};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

#[tokio::test]
async fn the_demo_borough_has_the_shape_a_commissioner_expects() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.commissioner,
            "{
              icbs: areas(first: 5, filter: { kind: ICB }) { totalCount edges { node { name children { kind name children { kind code } } } } }
              pcns(first: 10) { totalCount edges { node { code gpPractices { code ward { kind } } } } }
              organisations { totalCount }
              services { totalCount }
              gateways { totalCount edges { node { kind } } }
              fundingAwards { totalCount }
              contributions { totalCount }
              skills { totalCount }
              unmetNeeds { totalCount edges { node { need riskScore missingCapability { kind code } } } }
              needs { code label }
            }",
            json!({}),
        )
        .await;
    let d = data(&body);
    let icb = &d["icbs"]["edges"][0]["node"];
    assert_eq!(d["icbs"]["totalCount"], 1, "{body}");
    let authority = &icb["children"][0];
    assert_eq!(authority["kind"], "LOCAL_AUTHORITY");
    let wards = authority["children"].as_array().expect("wards");
    assert_eq!(wards.len(), 20, "about twenty wards");
    assert!(wards
        .iter()
        .all(|w| w["kind"] == "WARD" && w["code"].as_str().is_some_and(|c| c.starts_with("E05"))));
    assert_eq!(d["pcns"]["totalCount"], 5);
    let practice = &d["pcns"]["edges"][0]["node"]["gpPractices"][0];
    assert_eq!(practice["ward"]["kind"], "WARD");
    assert_eq!(d["organisations"]["totalCount"], 150);
    assert_eq!(d["services"]["totalCount"], 400);
    let kinds: Vec<_> = d["gateways"]["edges"]
        .as_array()
        .expect("gateways")
        .iter()
        .map(|e| e["node"]["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    for kind in [
        "SOCIAL_PRESCRIBING",
        "LOCAL_AREA_COORDINATION",
        "SELF_REFERRAL",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    for list in ["fundingAwards", "contributions", "skills", "unmetNeeds"] {
        assert!(
            d[list]["totalCount"].as_i64().unwrap_or(0) > 0,
            "{list}: {body}"
        );
    }
    assert!(d["unmetNeeds"]["edges"]
        .as_array()
        .expect("register")
        .iter()
        .any(|e| e["node"]["missingCapability"]["code"] == "syl"));
    // The need table and the NeedCode enum hold the same sixteen codes.
    assert_eq!(d["needs"].as_array().map(Vec::len), Some(16));
}

#[tokio::test]
async fn demo_referrals_carry_their_whole_history_and_declines_their_reasons() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.admin,
            "{
              all: referrals { totalCount }
              declined: referrals(first: 50, filter: { state: DECLINED }) {
                totalCount
                edges { node { reference preferredLanguage { code name } needs
                  events { fromState toState reason missingCapability { kind code } occurredAt } } }
              }
              completed: referrals(first: 5, filter: { state: COMPLETED }) {
                edges { node { version events { toState } } }
              }
            }",
            json!({}),
        )
        .await;
    let d = data(&body);
    let total = d["all"]["totalCount"].as_i64().expect("a count");
    assert!(
        (8_000..14_000).contains(&total),
        "about 10,000 referrals a year: {total}"
    );
    let declined = d["declined"]["edges"]
        .as_array()
        .expect("declined referrals");
    assert!(!declined.is_empty(), "{body}");
    for edge in declined {
        let events = edge["node"]["events"].as_array().expect("events");
        assert_eq!(events[0]["toState"], "RECEIVED");
        assert!(events[0]["fromState"].is_null());
        let last = events.last().expect("a last event");
        assert_eq!(last["toState"], "DECLINED");
        assert!(!last["reason"].is_null(), "a decline says why: {last}");
        if last["reason"] == "CAPABILITY" {
            assert_eq!(last["missingCapability"]["kind"], "LANGUAGE", "{last}");
        }
        for pair in events.windows(2) {
            assert_eq!(pair[0]["toState"], pair[1]["fromState"], "events chain");
            assert!(pair[0]["occurredAt"].as_str() <= pair[1]["occurredAt"].as_str());
        }
    }
    for edge in d["completed"]["edges"].as_array().expect("completed") {
        let events = edge["node"]["events"].as_array().expect("events");
        assert_eq!(edge["node"]["version"].as_u64(), Some(events.len() as u64));
        assert_eq!(events.last().expect("last")["toState"], "COMPLETED");
    }
}

#[tokio::test]
async fn a_demo_provider_sees_only_referrals_to_its_own_services() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.provider,
            "{ viewer { organisation { id services { id } } }
               referrals(first: 100) { totalCount edges { node { service { organisation { id } } } } } }",
            json!({}),
        )
        .await;
    let d = data(&body);
    let own = d["viewer"]["organisation"]["id"].clone();
    for edge in d["referrals"]["edges"].as_array().expect("referrals") {
        assert_eq!(edge["node"]["service"]["organisation"]["id"], own, "{edge}");
    }
    let seen = d["referrals"]["totalCount"].as_i64().expect("a count");
    let all = data(
        &app.gql(&app.keys.admin, "{ referrals { totalCount } }", json!({}))
            .await,
    )["referrals"]["totalCount"]
        .as_i64()
        .expect("a count");
    assert!(
        seen < all,
        "a provider sees a part, not all: {seen} of {all}"
    );
}
