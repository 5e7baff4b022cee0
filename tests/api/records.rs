//! What providers and commissioners record besides services: uncommissioned
//! work, skills, service changes and the unmet-needs register.

use serde_json::json;

use crate::helpers::{assert_error, data, id_of, spawn_app, RECORD_CONTRIBUTION};

#[tokio::test]
async fn a_provider_records_uncommissioned_hours_and_sees_them_on_its_organisation() {
    let app = spawn_app().await;
    let org = app.provider_organisation_id.clone();
    let body = app
        .gql(
            &app.keys.provider,
            RECORD_CONTRIBUTION,
            json!({ "input": { "organisationId": org, "kind": "INTERPRETING", "hours": 12.5,
                               "periodStart": "2026-10-01", "periodEnd": "2026-10-31",
                               "note": "Sylheti interpreting at GP appointments" } }),
        )
        .await;
    id_of(data(&body), "recordContribution");
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { node(id: $id) { ... on Organisation {
                contributions { kind hours periodStart periodEnd note } } } }",
            json!({ "id": org }),
        )
        .await;
    let c = &data(&body)["node"]["contributions"][0];
    assert_eq!(c["kind"], "INTERPRETING");
    assert_eq!(c["hours"], 12.5);
    assert_eq!(c["periodEnd"], "2026-10-31");
}

#[tokio::test]
async fn setting_a_skill_twice_keeps_one_record_with_the_latest_counts() {
    let app = spawn_app().await;
    let set =
        "mutation ($input: SetSkillInput!) { setSkill(input: $input) { id volunteers paidStaff } }";
    let org = app.provider_organisation_id.clone();
    let first = app
        .gql(
            &app.keys.provider,
            set,
            json!({ "input": { "organisationId": org, "skill": "DRIVING", "volunteers": 4, "paidStaff": 0 } }),
        )
        .await;
    let second = app
        .gql(
            &app.keys.provider,
            set,
            json!({ "input": { "organisationId": org, "skill": "DRIVING", "volunteers": 7, "paidStaff": 1 } }),
        )
        .await;
    assert_eq!(
        data(&first)["setSkill"]["id"],
        data(&second)["setSkill"]["id"]
    );
    assert_eq!(data(&second)["setSkill"]["volunteers"], 7);
    assert_eq!(app.count("skill").await, 1);

    let negative = app
        .gql(
            &app.keys.provider,
            set,
            json!({ "input": { "organisationId": org, "skill": "DRIVING", "volunteers": -1, "paidStaff": 0 } }),
        )
        .await;
    assert_error(&negative, "BAD_USER_INPUT");
}

#[tokio::test]
async fn updating_a_service_replaces_its_needs_and_keeps_the_rest() {
    let app = spawn_app().await;
    let org = app.provider_organisation_id.clone();
    let service = app.create_service(&org, None, "Lunch Club").await;
    let body = app
        .gql(
            &app.keys.provider,
            "mutation ($input: UpdateServiceInput!) { updateService(input: $input) {
                name needs unitCost } }",
            json!({ "input": { "serviceId": service, "needs": ["HEALTHY_EATING", "LONELINESS"],
                               "unitCost": "4500" } }),
        )
        .await;
    let s = &data(&body)["updateService"];
    assert_eq!(s["name"], "Lunch Club");
    assert_eq!(s["needs"], json!(["HEALTHY_EATING", "LONELINESS"]));
    assert_eq!(s["unitCost"], "4500", "money travels as a string of pence");
}

#[tokio::test]
async fn a_commissioner_keeps_the_unmet_needs_register_and_a_provider_may_not() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05999001", "Brickfields").await;
    let create = "mutation ($input: CreateUnmetNeedInput!) { createUnmetNeed(input: $input) {
        id need riskScore status missingCapability { kind code label } } }";
    let input = json!({ "input": {
        "areaId": ward, "need": "DEMENTIA",
        "missingCapability": { "kind": "LANGUAGE", "code": "syl" },
        "evidence": "Three carers declined for language in October",
        "likelihood": 4, "impact": 5, "owner": "VCS commissioning lead" } });
    let refused = app.gql(&app.keys.provider, create, input.clone()).await;
    assert_error(&refused, "FORBIDDEN");
    assert_eq!(app.count("unmet_need").await, 0);

    let body = app.gql(&app.keys.commissioner, create, input).await;
    let entry = &data(&body)["createUnmetNeed"];
    assert_eq!(entry["riskScore"], 20);
    assert_eq!(entry["status"], "OPEN");
    assert_eq!(entry["missingCapability"]["label"], "Sylheti");

    let body = app
        .gql(
            &app.keys.commissioner,
            "mutation ($input: UpdateUnmetNeedInput!) { updateUnmetNeed(input: $input) {
                status action reviewDate } }",
            json!({ "input": { "unmetNeedId": entry["id"], "status": "MITIGATING",
                               "action": "Commission a Sylheti carers' group", "reviewDate": "2027-01-15" } }),
        )
        .await;
    let updated = &data(&body)["updateUnmetNeed"];
    assert_eq!(updated["status"], "MITIGATING");
    assert_eq!(updated["reviewDate"], "2027-01-15");

    let bad = app
        .gql(
            &app.keys.commissioner,
            "mutation ($input: UpdateUnmetNeedInput!) { updateUnmetNeed(input: $input) { id } }",
            json!({ "input": { "unmetNeedId": entry["id"], "impact": 6 } }),
        )
        .await;
    assert_error(&bad, "BAD_USER_INPUT");
}
