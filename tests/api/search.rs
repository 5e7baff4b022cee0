//! Service search through the API: what fits a person ranks first and
//! explains itself; when nothing fits, the answer says why and the link
//! worker can put that on the unmet-needs register.

use chrono::Days;
use headroom::graphql::ids;
use headroom::store::entity::area;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

use crate::helpers::{
    assert_bad_input, assert_error, data, id_of, spawn_app, today, TestApp, CONFIRM_STATUS,
};

const FIND: &str = "query ($input: FindServicesInput!) { findServices(input: $input) {
    matches {
        service { id name }
        score distanceKm needsMet hasRoom headroom utilisation status stale daysSinceConfirmed
        capabilitiesMatched { kind code }
        capabilitiesMissing { kind code }
    }
    nearby eligible withRoom
    nothingFits { reason explanation missingCapabilities { capability { kind code label } servicesLacking } }
} }";

const RECORD_NO_FIT: &str = "mutation ($input: RecordNoFitInput!) { recordNoFit(input: $input) {
    reason
    entries { id need area { id } missingCapability { kind code } searchReports status }
} }";

async fn insert_area(
    app: &TestApp,
    code: &str,
    kind: &str,
    parent: Option<i64>,
    at: Option<(f64, f64)>,
) -> i64 {
    area::ActiveModel {
        code: Set(code.into()),
        name: Set(format!("Area {code}")),
        kind: Set(kind.into()),
        parent_id: Set(parent),
        latitude: Set(at.map(|p| p.0)),
        longitude: Set(at.map(|p| p.1)),
        ..Default::default()
    }
    .insert(app.store.db())
    .await
    .expect("the area is inserted")
    .id
}

/// The borough the tests search: the person lives in `home`; `near` is
/// about 2.2 km north, `far` about 35 km north.
struct Borough {
    la: String,
    home: String,
    near: String,
    far: String,
    organisation: String,
}

async fn borough(app: &TestApp) -> Borough {
    let la = insert_area(app, "E08000901", "local_authority", None, None).await;
    let ward =
        |code: &'static str, lat: f64| insert_area(app, code, "ward", Some(la), Some((lat, -1.90)));
    let (home, near, far) = (
        ward("E05000901", 52.48).await,
        ward("E05000902", 52.50).await,
        ward("E05000903", 52.80).await,
    );
    Borough {
        la: ids::encode("Area", la).0,
        home: ids::encode("Area", home).0,
        near: ids::encode("Area", near).0,
        far: ids::encode("Area", far).0,
        organisation: app.create_organisation("Bangla Carers Network").await,
    }
}

/// A service at a venue in `ward`, with its needs, capabilities, places per
/// week from a month ago, and a status confirmed today.
async fn service(
    app: &TestApp,
    b: &Borough,
    ward: &str,
    name: &str,
    needs: &[&str],
    capabilities: &[(&str, &str)],
    status: &str,
) -> String {
    let location = app.create_location(&b.organisation, ward, name).await;
    let caps: Vec<Value> = capabilities
        .iter()
        .map(|(k, c)| json!({ "kind": k, "code": c }))
        .collect();
    let body = app
        .gql(
            &app.keys.admin,
            "mutation ($input: CreateServiceInput!) { createService(input: $input) { id } }",
            json!({ "input": {
                "organisationId": b.organisation, "locationId": location, "name": name,
                "needs": needs, "capabilities": caps,
            } }),
        )
        .await;
    let id = id_of(data(&body), "createService");
    data(
        &app.record_capacity(&app.keys.admin, &id, 10, Some(today() - Days::new(30)))
            .await,
    );
    data(
        &app.gql(
            &app.keys.admin,
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": id, "status": status } }),
        )
        .await,
    );
    id
}

fn search(b: &Borough, extra: Value) -> Value {
    let mut input = json!({
        "needs": ["LONELINESS", "CARER_SUPPORT"],
        "residenceWardId": b.home,
        "language": "syl",
        "preferredCapabilities": [{ "kind": "GENDER", "code": "women_only" }],
        "ageBand": "FROM_65_TO_74",
        "maxDistanceKm": 5.0,
    });
    for (k, v) in extra.as_object().expect("an object") {
        input[k] = v.clone();
    }
    json!({ "input": input })
}

async fn find(app: &TestApp, vars: Value) -> Value {
    let body = app.gql(&app.keys.link_worker, FIND, vars).await;
    data(&body)["findServices"].clone()
}

fn names(result: &Value) -> Vec<String> {
    result["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["service"]["name"].as_str().expect("a name").to_owned())
        .collect()
}

const SYLHETI: (&str, &str) = ("LANGUAGE", "syl");
const WOMEN_ONLY: (&str, &str) = ("GENDER", "women_only");

#[tokio::test]
async fn services_that_fit_rank_by_fit_and_distance_and_explain_themselves() {
    let app = spawn_app().await;
    let b = borough(&app).await;
    let both = ["LONELINESS", "CARER_SUPPORT"];
    service(
        &app,
        &b,
        &b.near,
        "Near, Sylheti only",
        &["LONELINESS"],
        &[SYLHETI],
        "OPEN",
    )
    .await;
    service(
        &app,
        &b,
        &b.home,
        "Home, Sylheti women's carers",
        &both,
        &[SYLHETI, WOMEN_ONLY],
        "OPEN",
    )
    .await;
    service(
        &app,
        &b,
        &b.home,
        "Home, English only",
        &both,
        &[WOMEN_ONLY],
        "OPEN",
    )
    .await;
    service(
        &app,
        &b,
        &b.far,
        "Far, Sylheti women's carers",
        &both,
        &[SYLHETI, WOMEN_ONLY],
        "OPEN",
    )
    .await;
    service(
        &app,
        &b,
        &b.home,
        "Home, full",
        &both,
        &[SYLHETI, WOMEN_ONLY],
        "FULL",
    )
    .await;
    service(
        &app,
        &b,
        &b.home,
        "Home, debt advice",
        &["FINANCIAL"],
        &[SYLHETI],
        "OPEN",
    )
    .await;

    let result = find(&app, search(&b, json!({}))).await;
    assert_eq!(
        names(&result),
        ["Home, Sylheti women's carers", "Near, Sylheti only"],
        "the one lacking Sylheti, the one too far, the full one and the one for another need are left out"
    );
    assert_eq!(
        result["nearby"], 4,
        "four services within 5 km address a need"
    );
    assert_eq!(result["eligible"], 3);
    assert_eq!(result["withRoom"], 2);
    assert_eq!(result["nothingFits"], Value::Null);

    let best = &result["matches"][0];
    assert_eq!(best["needsMet"], json!(["CARER_SUPPORT", "LONELINESS"]));
    assert_eq!(best["capabilitiesMissing"], json!([]));
    assert_eq!(best["capabilitiesMatched"].as_array().unwrap().len(), 2);
    assert_eq!(best["hasRoom"], true);
    assert_eq!(
        best["headroom"], 10.0,
        "ten places a week and no demand yet"
    );
    assert_eq!(best["status"], "OPEN");
    assert_eq!(best["stale"], false);
    assert_eq!(best["daysSinceConfirmed"], 0);
    assert_eq!(best["distanceKm"], 0.0);

    let second = &result["matches"][1];
    assert_eq!(second["needsMet"], json!(["LONELINESS"]));
    assert_eq!(
        second["capabilitiesMissing"],
        json!([{ "kind": "GENDER", "code": "women_only" }])
    );
    let d = second["distanceKm"].as_f64().unwrap();
    assert!(
        (d - 2.22).abs() < 0.05,
        "0.02° of latitude is about 2.2 km, got {d}"
    );
    assert!(best["score"].as_f64() > second["score"].as_f64());

    let wider = find(&app, search(&b, json!({ "maxDistanceKm": 50.0 }))).await;
    assert_eq!(
        names(&wider),
        [
            "Home, Sylheti women's carers",
            "Far, Sylheti women's carers",
            "Near, Sylheti only"
        ],
        "within 50 km the far service fits better than the near one that meets one need, \
         and ranks below the equally fitting one at home"
    );

    let with_full = find(&app, search(&b, json!({ "includeFull": true }))).await;
    let listed = names(&with_full);
    assert_eq!(listed.last().map(String::as_str), Some("Home, full"));
    assert_eq!(with_full["matches"][2]["hasRoom"], false);
}

#[tokio::test]
async fn a_service_for_older_people_does_not_fit_a_younger_person() {
    let app = spawn_app().await;
    let b = borough(&app).await;
    let id = service(
        &app,
        &b,
        &b.home,
        "Over-65s carers",
        &["CARER_SUPPORT"],
        &[SYLHETI],
        "OPEN",
    )
    .await;
    data(
        &app.gql(
            &app.keys.admin,
            "mutation ($input: UpdateServiceInput!) { updateService(input: $input) { minAge } }",
            json!({ "input": { "serviceId": id, "ageRange": { "min": 65 } } }),
        )
        .await,
    );
    let older = find(&app, search(&b, json!({}))).await;
    assert_eq!(names(&older), ["Over-65s carers"]);
    let younger = find(&app, search(&b, json!({ "ageBand": "FROM_25_TO_34" }))).await;
    assert_eq!(names(&younger), Vec::<String>::new());
    assert_eq!(younger["nothingFits"]["reason"], "NOT_FOR_THEIR_AGE");

    // That search, recorded, is evidence on the register like any other.
    let input = search(&b, json!({ "ageBand": "FROM_25_TO_34" }))["input"].clone();
    let recorded = app
        .gql(
            &app.keys.link_worker,
            RECORD_NO_FIT,
            json!({ "input": { "search": input } }),
        )
        .await;
    let recorded = &data(&recorded)["recordNoFit"];
    assert_eq!(recorded["reason"], "NOT_FOR_THEIR_AGE");
    assert_eq!(recorded["entries"][0]["searchReports"], 1);
}

#[tokio::test]
async fn when_nothing_fits_the_answer_says_why() {
    let app = spawn_app().await;
    let b = borough(&app).await;
    service(
        &app,
        &b,
        &b.home,
        "Sylheti group",
        &["LONELINESS"],
        &[SYLHETI],
        "OPEN",
    )
    .await;
    service(
        &app,
        &b,
        &b.near,
        "Sylheti group, full",
        &["LONELINESS"],
        &[SYLHETI],
        "FULL",
    )
    .await;

    let urdu = find(&app, search(&b, json!({ "language": "ur" }))).await;
    assert_eq!(urdu["matches"], json!([]));
    assert_eq!(urdu["nothingFits"]["reason"], "LACKS_CAPABILITY");
    let lacking = &urdu["nothingFits"]["missingCapabilities"][0];
    assert_eq!(lacking["capability"]["code"], "ur");
    assert_eq!(lacking["capability"]["label"], "Urdu");
    assert_eq!(lacking["servicesLacking"], 2);

    let debt = find(&app, search(&b, json!({ "needs": ["FINANCIAL"] }))).await;
    assert_eq!(debt["nothingFits"]["reason"], "NO_SERVICE_NEARBY");
    assert_eq!(debt["nearby"], 0);

    data(
        &app.gql(
            &app.keys.admin,
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": id_of_named(&app, "Sylheti group").await, "status": "FULL" } }),
        )
        .await,
    );
    let full = find(&app, search(&b, json!({}))).await;
    assert_eq!(full["nothingFits"]["reason"], "ALL_FULL");
    assert_eq!(full["eligible"], 2);
}

async fn id_of_named(app: &TestApp, name: &str) -> String {
    let body = app
        .gql(
            &app.keys.admin,
            "{ services(first: 100) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    data(&body)["services"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["name"] == name)
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .expect("the service is listed")
}

#[tokio::test]
async fn a_search_that_found_nothing_becomes_evidence_on_the_register() {
    let app = spawn_app().await;
    let b = borough(&app).await;
    service(
        &app,
        &b,
        &b.home,
        "Sylheti group",
        &["LONELINESS"],
        &[SYLHETI],
        "OPEN",
    )
    .await;
    let urdu = json!({ "search": search(&b, json!({ "language": "ur", "needs": ["LONELINESS"] }))["input"], "note": "second person this month" });

    let first = app
        .gql(
            &app.keys.link_worker,
            RECORD_NO_FIT,
            json!({ "input": urdu }),
        )
        .await;
    let recorded = &data(&first)["recordNoFit"];
    assert_eq!(recorded["reason"], "LACKS_CAPABILITY");
    let entry = &recorded["entries"][0];
    assert_eq!(entry["need"], "LONELINESS");
    assert_eq!(
        entry["area"]["id"],
        b.la.as_str(),
        "a new entry is opened in the local authority"
    );
    assert_eq!(
        entry["missingCapability"],
        json!({ "kind": "LANGUAGE", "code": "ur" })
    );
    assert_eq!(entry["searchReports"], 1);
    assert_eq!(entry["status"], "OPEN");

    let again = app
        .gql(
            &app.keys.link_worker,
            RECORD_NO_FIT,
            json!({ "input": urdu }),
        )
        .await;
    let entry_again = &data(&again)["recordNoFit"]["entries"][0];
    assert_eq!(
        entry_again["id"], entry["id"],
        "the same open entry gathers the evidence"
    );
    assert_eq!(entry_again["searchReports"], 2);
    assert_eq!(app.count("unmet_need").await, 1);

    let fits = json!({ "search": search(&b, json!({ "needs": ["LONELINESS"] }))["input"] });
    let refused = app
        .gql(
            &app.keys.link_worker,
            RECORD_NO_FIT,
            json!({ "input": fits }),
        )
        .await;
    assert_error(&refused, "CONFLICT");
    assert_eq!(
        app.count("unmet_need_report").await,
        2,
        "a refused report writes nothing"
    );

    let personal = json!({ "search": urdu["search"], "note": "call her on 07700 900123" });
    let refused = app
        .gql(
            &app.keys.link_worker,
            RECORD_NO_FIT,
            json!({ "input": personal }),
        )
        .await;
    assert_bad_input(&refused, "note");
    assert_eq!(app.count("unmet_need_report").await, 2);

    let commissioner = app
        .gql(
            &app.keys.commissioner,
            RECORD_NO_FIT,
            json!({ "input": urdu }),
        )
        .await;
    assert_error(&commissioner, "FORBIDDEN");
}

#[tokio::test]
async fn a_bad_search_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let b = borough(&app).await;
    for (extra, field) in [
        (json!({ "maxDistanceKm": 0.0 }), "maxDistanceKm"),
        (json!({ "maxDistanceKm": 500.0 }), "maxDistanceKm"),
        (json!({ "language": "klingon" }), "language"),
        (json!({ "needs": [] }), "needs"),
        (json!({ "residenceWardId": b.la }), "residenceWardId"),
    ] {
        let body = app
            .gql(&app.keys.link_worker, FIND, search(&b, extra))
            .await;
        assert_bad_input(&body, field);
    }
}
