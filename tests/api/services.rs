//! A service from creation to the directory: organisation, venue, service,
//! capacity and status, read back as a client would.

use serde_json::json;

use crate::helpers::{
    data, id_of, spawn_app, today, CONFIRM_STATUS, CREATE_LOCATION, CREATE_SERVICE, RECORD_CAPACITY,
};

const SERVICE_FIELDS: &str = "
    id
    name
    description
    needs
    organisation { id name }
    location { id name ward { id code name } }
    capabilities { kind code label }
    capacity { placesPerWeek caseloadMax validFrom }
    status { status stale daysSinceConfirmed }
";

#[tokio::test]
async fn a_service_created_step_by_step_reads_back_through_node_and_services() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05900001", "Test Ward").await;
    let organisation = app.create_organisation("Brick Lane Befrienders").await;

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_LOCATION,
            json!({ "input": {
                "organisationId": organisation,
                "name": "Kobi Nazrul Centre",
                "kind": "COMMUNITY_CENTRE",
                "wardId": ward,
                "postcode": "E1 5LB",
            } }),
        )
        .await;
    let location = id_of(data(&body), "createLocation");

    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            json!({ "input": {
                "organisationId": organisation,
                "locationId": location,
                "name": "Sylheti lunch club",
                "description": "A weekly lunch and chat in Sylheti and Bengali.",
                "needs": ["LONELINESS", "MENTAL_WELLBEING"],
                "capabilities": [
                    { "kind": "LANGUAGE", "code": "syl" },
                    { "kind": "DIETARY", "code": "halal" },
                ],
            } }),
        )
        .await;
    let service = id_of(data(&body), "createService");

    let body = app
        .gql(
            &app.keys.admin,
            RECORD_CAPACITY,
            json!({ "input": { "serviceId": service, "placesPerWeek": 24 } }),
        )
        .await;
    let capacity = &data(&body)["recordCapacity"];
    assert_eq!(capacity["placesPerWeek"], 24);
    assert_eq!(
        capacity["validFrom"],
        today().to_string(),
        "capacity applies from today by default"
    );

    let body = app
        .gql(
            &app.keys.admin,
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": service, "status": "OPEN" } }),
        )
        .await;
    assert_eq!(data(&body)["confirmStatus"]["status"], "OPEN");

    let query =
        format!("query ($id: ID!) {{ node(id: $id) {{ ... on Service {{ {SERVICE_FIELDS} }} }} }}");
    let body = app
        .gql(&app.keys.commissioner, &query, json!({ "id": service }))
        .await;
    let by_node = data(&body)["node"].clone();

    let query = format!("{{ services {{ totalCount nodes {{ {SERVICE_FIELDS} }} }} }}");
    let body = app.gql(&app.keys.commissioner, &query, json!({})).await;
    let services = &data(&body)["services"];
    assert_eq!(services["totalCount"], 1);
    let by_connection = services["nodes"][0].clone();

    for read in [&by_node, &by_connection] {
        assert_eq!(read["id"], service);
        assert_eq!(read["name"], "Sylheti lunch club");
        assert_eq!(
            read["description"],
            "A weekly lunch and chat in Sylheti and Bengali."
        );
        assert_eq!(read["needs"], json!(["LONELINESS", "MENTAL_WELLBEING"]));
        assert_eq!(read["organisation"]["id"], organisation);
        assert_eq!(read["organisation"]["name"], "Brick Lane Befrienders");
        assert_eq!(read["location"]["id"], location);
        assert_eq!(read["location"]["name"], "Kobi Nazrul Centre");
        assert_eq!(read["location"]["ward"]["id"], ward);
        assert_eq!(read["location"]["ward"]["code"], "E05900001");
        assert_eq!(read["location"]["ward"]["name"], "Test Ward");
        let capabilities = read["capabilities"]
            .as_array()
            .expect("a list of capabilities");
        assert_eq!(capabilities.len(), 2, "both capabilities are kept: {read}");
        assert!(
            capabilities
                .contains(&json!({ "kind": "LANGUAGE", "code": "syl", "label": "Sylheti" })),
            "the Sylheti capability is there, with its label: {read}"
        );
        assert!(
            capabilities
                .contains(&json!({ "kind": "DIETARY", "code": "halal", "label": "Halal food" })),
            "the halal capability is there: {read}"
        );
        assert_eq!(read["capacity"]["placesPerWeek"], 24);
        assert_eq!(read["capacity"]["caseloadMax"], json!(null));
        assert_eq!(read["capacity"]["validFrom"], today().to_string());
        assert_eq!(read["status"]["status"], "OPEN");
        assert_eq!(read["status"]["stale"], false);
        assert_eq!(read["status"]["daysSinceConfirmed"], 0);
    }
    assert_eq!(by_node, by_connection, "node(id:) and services agree");
}

#[tokio::test]
async fn a_provider_runs_its_own_services() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05900002", "Riverside").await;
    let own = app.provider_organisation_id.clone();

    let body = app
        .gql(
            &app.keys.provider,
            CREATE_LOCATION,
            json!({ "input": {
                "organisationId": own,
                "name": "Our hall",
                "kind": "PLACE_OF_WORSHIP",
                "wardId": ward,
            } }),
        )
        .await;
    let location = id_of(data(&body), "createLocation");
    let body = app
        .gql(
            &app.keys.provider,
            CREATE_SERVICE,
            json!({ "input": {
                "organisationId": own,
                "locationId": location,
                "name": "Carers' cafe",
                "needs": ["CARER_SUPPORT"],
            } }),
        )
        .await;
    let service = id_of(data(&body), "createService");
    let body = app
        .record_capacity(&app.keys.provider, &service, 8, None)
        .await;
    assert_eq!(data(&body)["recordCapacity"]["placesPerWeek"], 8);
    let body = app
        .gql(
            &app.keys.provider,
            CONFIRM_STATUS,
            json!({ "input": { "serviceId": service, "status": "LIMITED", "note": "Summer hours" } }),
        )
        .await;
    assert_eq!(data(&body)["confirmStatus"]["status"], "LIMITED");

    let body = app
        .gql(
            &app.keys.provider,
            "{ viewer { role organisation { id services { id name } } } }",
            json!({}),
        )
        .await;
    let viewer = &data(&body)["viewer"];
    assert_eq!(viewer["role"], "PROVIDER");
    assert_eq!(viewer["organisation"]["id"], own);
    assert_eq!(
        viewer["organisation"]["services"],
        json!([{ "id": service, "name": "Carers' cafe" }])
    );
}
