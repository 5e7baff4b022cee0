//! Personal data kept out of free text, however it is spelt: NHS numbers
//! and phone numbers written with no-break spaces, slashes, spaced dashes,
//! full-width digits or a `00` international prefix are refused through the
//! API, naming the field, and nothing is written.

use rand::Rng;
use serde_json::{json, Value};

use crate::helpers::{assert_bad_input, data, id_of, spawn_app, TestApp, RECORD_CONTRIBUTION};

/// The tables the mutations below write.
const WRITTEN: &[&str] = &[
    "referral",
    "referral_need",
    "referral_event",
    "referral_flow",
    "idempotency_key",
    "contribution",
    "service",
];

/// A random valid NHS number: nine random digits and their modulus 11
/// check digit (drawn again while the check would be 10).
fn nhs_number(rng: &mut impl Rng) -> String {
    loop {
        let nine: Vec<u32> = (0..9).map(|_| rng.random_range(0..10)).collect();
        let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        if check != 10 {
            return nine
                .iter()
                .chain([&check])
                .map(|d| char::from_digit(*d, 10).unwrap())
                .collect();
        }
    }
}

/// A random UK mobile number without its leading 0: `7` and nine digits.
fn mobile(rng: &mut impl Rng) -> String {
    let rest: String = (0..9)
        .map(|_| char::from_digit(rng.random_range(0..10), 10).unwrap())
        .collect();
    format!("7{rest}")
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xff10).unwrap(),
            other => other,
        })
        .collect()
}

/// The spellings the filter once let through, for fresh random numbers.
fn spellings() -> Vec<String> {
    let mut rng = rand::rng();
    let nhs = nhs_number(&mut rng);
    let (a, b, c) = (&nhs[..3], &nhs[3..6], &nhs[6..]);
    let m = mobile(&mut rng);
    let (m1, m2) = (&m[..4], &m[4..]);
    vec![
        format!("NHS number {a}\u{a0}{b}\u{a0}{c}"),
        format!("seen as {a}\u{202f}{b}\u{2009}{c} at the surgery"),
        format!("ref {a}/{b}/{c}"),
        format!("{a} - {b} - {c}"),
        full_width(&format!("NHS {a}{b}{c}")),
        format!("daughter on 0044 {m1} {m2}"),
        format!("ring 0{m1} - {} {}", &m2[..3], &m2[3..]),
        full_width(&format!("mobile 00 44 {m1} {m2}")),
    ]
}

/// A referral the link worker sent to the provider's service; its id and
/// version.
async fn sent_referral(app: &TestApp, ward: &str, service: &str) -> (String, i64) {
    let body = app
        .create_referral(&app.keys.link_worker, ward, json!({}))
        .await;
    let id = data(&body)["createReferral"]["referral"]["id"]
        .as_str()
        .expect("a referral id")
        .to_owned();
    let body = app
        .move_referral(
            &app.keys.link_worker,
            &id,
            1,
            "SENT",
            json!({ "serviceId": service }),
        )
        .await;
    let version = data(&body)["moveReferral"]["referral"]["version"]
        .as_i64()
        .expect("a version");
    (id, version)
}

#[tokio::test]
async fn personal_data_however_spelt_is_refused_in_free_text_and_nothing_is_written() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05999301", "Canalside").await;
    let org = app.provider_organisation_id.clone();
    let service = app.create_service(&org, None, "Lunch Club").await;
    let (referral, version) = sent_referral(&app, &ward, &service).await;
    let before = app.counts(WRITTEN).await;

    for text in spellings() {
        let refused: Vec<(&str, Value)> = vec![
            (
                "note",
                app.move_referral(
                    &app.keys.provider,
                    &referral,
                    version,
                    "DECLINED",
                    json!({ "reason": "OTHER", "note": text }),
                )
                .await,
            ),
            (
                "note",
                app.create_referral(&app.keys.link_worker, &ward, json!({ "note": text }))
                    .await,
            ),
            (
                "note",
                app.gql(
                    &app.keys.provider,
                    RECORD_CONTRIBUTION,
                    json!({ "input": { "organisationId": org, "kind": "ACCOMPANYING",
                                       "hours": 2.0, "periodStart": "2026-10-01",
                                       "periodEnd": "2026-10-31", "note": text } }),
                )
                .await,
            ),
            (
                "description",
                app.gql(
                    &app.keys.provider,
                    crate::helpers::CREATE_SERVICE,
                    json!({ "input": { "organisationId": org, "name": "Tea and Talk",
                                       "description": text, "needs": ["LONELINESS"] } }),
                )
                .await,
            ),
        ];
        for (field, body) in refused {
            assert_bad_input(&body, field);
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("personal details")),
                "the refusal says why, for {text:?}: {body}"
            );
        }
    }
    assert_eq!(
        app.counts(WRITTEN).await,
        before,
        "a refused mutation writes nothing"
    );

    // Dates, times, money, ward codes and counts are not personal data.
    let ordinary = "From 2026-12-01 10 places a week, 10:30 to 12.00; \
                    \u{a3}1,250.00 for 12 people in E05000001";
    let body = app
        .move_referral(
            &app.keys.provider,
            &referral,
            version,
            "ACCEPTED",
            json!({ "note": ordinary }),
        )
        .await;
    assert_eq!(data(&body)["moveReferral"]["event"]["note"], ordinary);
    let body = app
        .gql(
            &app.keys.provider,
            RECORD_CONTRIBUTION,
            json!({ "input": { "organisationId": org, "kind": "ACCOMPANYING",
                               "hours": 2.0, "periodStart": "2026-10-01",
                               "periodEnd": "2026-10-31", "note": ordinary } }),
        )
        .await;
    id_of(data(&body), "recordContribution");
}
