//! Absurd values are refused where they enter: days outside 1990-01-01 to
//! 2100-12-31, money above its ceiling, control characters in text,
//! identifiers of the wrong shape. Each refusal is BAD_USER_INPUT naming
//! the field, and writes nothing; a value at each bound is accepted.

use serde_json::{json, Value};

use crate::helpers::{
    assert_bad_input, data, id_of, spawn_app, TestApp, CREATE_ORGANISATION, CREATE_SERVICE,
    RECORD_CAPACITY, RECORD_CONTRIBUTION,
};

/// Days the `Date` scalar reads but no record may hold: year 0, year -1,
/// a five-digit year, the last day of year 9999, and the days just
/// outside the bounds.
const ABSURD_DAYS: &[&str] = &[
    "0000-01-01",
    "-0001-01-01",
    "+99999-01-01",
    "9999-12-31",
    "1989-12-31",
    "2101-01-01",
];

const SERVICE_TABLES: &[&str] = &["service", "service_need", "service_capability"];

const CREATE_UNMET_NEED: &str = "mutation ($input: CreateUnmetNeedInput!) {
    createUnmetNeed(input: $input) { id reviewDate }
}";

const UPDATE_UNMET_NEED: &str = "mutation ($input: UpdateUnmetNeedInput!) {
    updateUnmetNeed(input: $input) { id reviewDate }
}";

const OVERVIEW: &str = "query ($window: WindowInput!) {
    capacityOverview(window: $window) { totalCount edges { node { window { from to days } } } }
}";

const FUNDING_GAPS: &str = "query ($period: WindowInput!) {
    fundingGaps(period: $period) { totalCount }
}";

const UPDATE_SERVICE: &str = "mutation ($input: UpdateServiceInput!) {
    updateService(input: $input) { id unitCost }
}";

const ORGANISATION_FIELDS: &str = "mutation ($input: CreateOrganisationInput!) {
    createOrganisation(input: $input) { id name orgIdentifier charityNumber companyNumber }
}";

/// A service at a venue in a new ward, run by a new organisation.
async fn a_service(app: &TestApp) -> String {
    let ward = app.insert_ward("E05900020", "Shadwell").await;
    let organisation = app.create_organisation("Shadwell Lunch Club").await;
    let location = app
        .create_location(&organisation, &ward, "Church hall")
        .await;
    app.create_service(&organisation, Some(&location), "Lunch club")
        .await
}

async fn create_organisation(app: &TestApp, fields: Value) -> Value {
    let mut input = json!({ "name": "Age UK Eastbrook", "kind": "CHARITY" });
    if let (Some(input), Value::Object(fields)) = (input.as_object_mut(), fields) {
        input.extend(fields);
    }
    app.gql(
        &app.keys.admin,
        ORGANISATION_FIELDS,
        json!({ "input": input }),
    )
    .await
}

#[tokio::test]
async fn a_capacity_version_dated_outside_the_bounds_is_refused_naming_valid_from() {
    let app = spawn_app().await;
    let service = a_service(&app).await;
    let before = app.count("capacity_version").await;

    for day in ABSURD_DAYS {
        let body = app
            .gql(
                &app.keys.admin,
                RECORD_CAPACITY,
                json!({ "input": { "serviceId": service, "placesPerWeek": 12, "validFrom": day } }),
            )
            .await;
        assert_bad_input(&body, "validFrom");
        assert_eq!(
            app.count("capacity_version").await,
            before,
            "no capacity from {day} was recorded"
        );
    }
}

#[tokio::test]
async fn a_contribution_dated_outside_the_bounds_is_refused_naming_the_day() {
    let app = spawn_app().await;
    let before = app.count("contribution").await;
    let input = |start: &str, end: &str| {
        json!({ "input": {
            "organisationId": app.provider_organisation_id,
            "kind": "INTERPRETING",
            "hours": 3.5,
            "periodStart": start,
            "periodEnd": end,
        } })
    };

    for day in ABSURD_DAYS {
        let body = app
            .gql(
                &app.keys.provider,
                RECORD_CONTRIBUTION,
                input(day, "2026-01-31"),
            )
            .await;
        assert_bad_input(&body, "periodStart");
        let body = app
            .gql(
                &app.keys.provider,
                RECORD_CONTRIBUTION,
                input("2026-01-01", day),
            )
            .await;
        assert_bad_input(&body, "periodEnd");
    }
    assert_eq!(
        app.count("contribution").await,
        before,
        "no contribution was recorded"
    );
}

#[tokio::test]
async fn a_register_review_date_outside_the_bounds_is_refused_naming_review_date() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05900021", "Wapping").await;
    let entry = |review: &str| {
        json!({ "input": {
            "areaId": ward, "need": "LONELINESS",
            "evidence": "Older men on the estate decline groups held in English only",
            "likelihood": 3, "impact": 3, "reviewDate": review } })
    };
    let before = app.count("unmet_need").await;

    for day in ABSURD_DAYS {
        let body = app
            .gql(&app.keys.commissioner, CREATE_UNMET_NEED, entry(day))
            .await;
        assert_bad_input(&body, "reviewDate");
    }
    assert_eq!(
        app.count("unmet_need").await,
        before,
        "no entry was written"
    );

    let body = app
        .gql(
            &app.keys.commissioner,
            CREATE_UNMET_NEED,
            entry("2027-03-31"),
        )
        .await;
    let id = id_of(data(&body), "createUnmetNeed");
    for day in ABSURD_DAYS {
        let body = app
            .gql(
                &app.keys.commissioner,
                UPDATE_UNMET_NEED,
                json!({ "input": { "unmetNeedId": id, "reviewDate": day } }),
            )
            .await;
        assert_bad_input(&body, "reviewDate");
    }
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { node(id: $id) { ... on UnmetNeed { reviewDate } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data(&body)["node"]["reviewDate"],
        "2027-03-31",
        "the review date is unchanged"
    );
}

#[tokio::test]
async fn a_metric_window_outside_the_bounds_is_refused_naming_its_end() {
    let app = spawn_app().await;
    for (from, to, field) in [
        ("0000-01-01", "0000-02-01", "window.from"),
        ("-0001-01-01", "2026-01-01", "window.from"),
        ("1989-12-01", "1990-01-01", "window.from"),
        ("2100-12-01", "+99999-01-01", "window.to"),
        ("2100-12-01", "2101-01-02", "window.to"),
        ("9999-12-01", "9999-12-31", "window.from"),
    ] {
        let window = json!({ "from": from, "to": to });
        let body = app
            .gql(
                &app.keys.commissioner,
                OVERVIEW,
                json!({ "window": window }),
            )
            .await;
        assert_bad_input(&body, field);
        let body = app
            .gql(
                &app.keys.commissioner,
                FUNDING_GAPS,
                json!({ "period": window }),
            )
            .await;
        assert_bad_input(&body, field);
    }
}

#[tokio::test]
async fn a_unit_cost_of_i64_max_pence_is_refused_naming_unit_cost() {
    let app = spawn_app().await;
    let service = a_service(&app).await;
    let before = app.counts(SERVICE_TABLES).await;

    for cost in [json!("9223372036854775807"), json!("100000001"), json!(-1)] {
        let body = app
            .gql(
                &app.keys.admin,
                CREATE_SERVICE,
                json!({ "input": {
                    "organisationId": app.provider_organisation_id,
                    "name": "Debt advice",
                    "needs": ["FINANCIAL"],
                    "unitCost": cost,
                } }),
            )
            .await;
        assert_bad_input(&body, "unitCost");
        let body = app
            .gql(
                &app.keys.admin,
                UPDATE_SERVICE,
                json!({ "input": { "serviceId": service, "unitCost": cost } }),
            )
            .await;
        assert_bad_input(&body, "unitCost");
    }
    assert_eq!(
        app.counts(SERVICE_TABLES).await,
        before,
        "no service was written"
    );
    let body = app
        .gql(
            &app.keys.admin,
            "query ($id: ID!) { node(id: $id) { ... on Service { unitCost } } }",
            json!({ "id": service }),
        )
        .await;
    assert!(
        data(&body)["node"]["unitCost"].is_null(),
        "the unit cost is unchanged: {body}"
    );
}

#[tokio::test]
async fn a_name_with_a_control_character_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let service = a_service(&app).await;
    let before = app.count("organisation").await;

    for name in [
        "Age\u{0007}UK",
        "Age UK\u{0000}",
        "Age\u{001b}[31mUK",
        "Age\nUK",
    ] {
        let body = app
            .gql(
                &app.keys.admin,
                CREATE_ORGANISATION,
                json!({ "input": { "name": name, "kind": "CHARITY" } }),
            )
            .await;
        assert_bad_input(&body, "name");
    }
    assert_eq!(
        app.count("organisation").await,
        before,
        "no organisation was written"
    );

    let capacity_before = app.count("capacity_version").await;
    let body = app
        .gql(
            &app.keys.admin,
            RECORD_CAPACITY,
            json!({ "input": { "serviceId": service, "placesPerWeek": 10,
                               "note": "cut back\u{0008}\u{0008}\u{0008}doubled" } }),
        )
        .await;
    assert_bad_input(&body, "note");
    assert_eq!(app.count("capacity_version").await, capacity_before);
}

#[tokio::test]
async fn a_charity_number_of_the_wrong_shape_is_refused_naming_charity_number() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;

    for number in ["12", "DROP TABLE", "12345678", "SC12345", "1090095\u{0007}"] {
        let body = create_organisation(&app, json!({ "charityNumber": number })).await;
        assert_bad_input(&body, "charityNumber");
    }
    assert_eq!(
        app.count("organisation").await,
        before,
        "no organisation was written"
    );
}

#[tokio::test]
async fn a_company_number_of_the_wrong_shape_is_refused_naming_company_number() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;

    for number in ["XX123456", "123456789", "SC12345", "12-34-56", "0"] {
        let body = create_organisation(&app, json!({ "companyNumber": number })).await;
        assert_bad_input(&body, "companyNumber");
    }
    assert_eq!(
        app.count("organisation").await,
        before,
        "no organisation was written"
    );
}

#[tokio::test]
async fn an_org_identifier_with_an_unknown_prefix_is_refused_naming_org_identifier() {
    let app = spawn_app().await;
    let before = app.count("organisation").await;

    for identifier in [
        "XX-ABC-123",
        "GB-CHARITY-1090095",
        "1090095",
        "GB-CHC-12",
        "GB-COH-DROP TABLE",
    ] {
        let body = create_organisation(&app, json!({ "orgIdentifier": identifier })).await;
        assert_bad_input(&body, "orgIdentifier");
    }
    assert_eq!(
        app.count("organisation").await,
        before,
        "no organisation was written"
    );
}

#[tokio::test]
async fn values_at_each_bound_are_accepted() {
    let app = spawn_app().await;
    let service = a_service(&app).await;

    for day in ["1990-01-01", "2100-12-31"] {
        let body = app
            .gql(
                &app.keys.admin,
                RECORD_CAPACITY,
                json!({ "input": { "serviceId": service, "placesPerWeek": 10000,
                                   "validFrom": day, "note": "first line\nsecond line" } }),
            )
            .await;
        assert_eq!(data(&body)["recordCapacity"]["validFrom"], day);
    }

    let body = app
        .gql(
            &app.keys.provider,
            RECORD_CONTRIBUTION,
            json!({ "input": {
                "organisationId": app.provider_organisation_id,
                "kind": "ACCOMPANYING",
                "hours": 8784,
                "periodStart": "1990-01-01",
                "periodEnd": "2100-12-31",
            } }),
        )
        .await;
    data(&body);

    let ward = app.insert_ward("E05900022", "Limehouse").await;
    let body = app
        .gql(
            &app.keys.commissioner,
            CREATE_UNMET_NEED,
            json!({ "input": {
                "areaId": ward, "need": "CARER_SUPPORT",
                "evidence": "Carers wait\r\nover eight weeks", "likelihood": 2, "impact": 4,
                "reviewDate": "2100-12-31" } }),
        )
        .await;
    assert_eq!(data(&body)["createUnmetNeed"]["reviewDate"], "2100-12-31");

    for (from, to) in [("1990-01-01", "1990-02-01"), ("2100-12-01", "2101-01-01")] {
        let window = json!({ "from": from, "to": to });
        let body = app
            .gql(
                &app.keys.commissioner,
                OVERVIEW,
                json!({ "window": window }),
            )
            .await;
        data(&body);
        let body = app
            .gql(
                &app.keys.commissioner,
                FUNDING_GAPS,
                json!({ "period": window }),
            )
            .await;
        data(&body);
    }

    let body = app
        .gql(
            &app.keys.admin,
            UPDATE_SERVICE,
            json!({ "input": { "serviceId": service, "unitCost": "100000000" } }),
        )
        .await;
    assert_eq!(data(&body)["updateService"]["unitCost"], "100000000");

    let longest_name = "A".repeat(200);
    for (fields, written) in [
        (
            json!({ "name": longest_name, "charityNumber": "1090095-1" }),
            json!({ "charityNumber": "1090095-1" }),
        ),
        (
            json!({ "name": "Sylhet Elders", "charityNumber": "sc 042386", "companyNumber": "sc234456" }),
            json!({ "charityNumber": "SC042386", "companyNumber": "SC234456" }),
        ),
        (
            json!({ "name": "Belfast Carers", "charityNumber": "NIC100002", "orgIdentifier": "GB-NIC-100002" }),
            json!({ "charityNumber": "NIC100002", "orgIdentifier": "GB-NIC-100002" }),
        ),
        (
            json!({ "name": "Eastbrook CIC", "companyNumber": "1234567", "orgIdentifier": "gb-coh-1234567" }),
            json!({ "companyNumber": "01234567", "orgIdentifier": "GB-COH-01234567" }),
        ),
        (
            json!({ "name": "Riverside Trust", "orgIdentifier": "GB-CHC-279417" }),
            json!({ "orgIdentifier": "GB-CHC-279417" }),
        ),
    ] {
        let body = create_organisation(&app, fields).await;
        let created = &data(&body)["createOrganisation"];
        for (field, value) in written.as_object().expect("fields") {
            assert_eq!(&created[field], value, "{field} in {body}");
        }
    }
}
