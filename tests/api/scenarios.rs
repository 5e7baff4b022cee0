//! "What if we add this gateway?": a commissioner writes a scenario, runs
//! it on the demo borough and reads what it would do to every service
//! within reach, before and after, through the API, on SQLite and
//! PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use headroom::domain::codes::Role;
use headroom::domain::scenario::template::WEEKS_PER_YEAR;
use headroom::graphql::ids;
use serde_json::{json, Value};

use crate::helpers::{
    assert_bad_input, assert_error, data, id_of, spawn_app, spawn_demo_app, TestApp,
};

/// The demo borough's last day of history, as the other demo tests seed it.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

/// The twelve weeks of history that end on the demo's last day.
fn baseline() -> Value {
    let to = as_of() + Duration::days(1);
    json!({ "from": (to - Duration::weeks(12)).to_string(), "to": to.to_string() })
}

const CREATE: &str = "mutation ($input: ScenarioInput!) { createScenario(input: $input) {
    id name owner ownedByYou copiedFrom archived horizonWeeks replications
    baselineFrom baselineTo
    area { area pcn }
    changes { index kind startWeek rampWeeks endWeek place { area pcn } summary }
} }";

const EDIT: &str = "mutation ($id: ID!, $input: ScenarioInput!) {
    editScenario(id: $id, input: $input) { id name description }
}";

const COPY: &str = "mutation ($id: ID!) { copyScenario(id: $id) {
    id name ownedByYou copiedFrom changes { index kind }
} }";

const ARCHIVE: &str = "mutation ($id: ID!) { archiveScenario(id: $id) { id archived archivedAt } }";

const RUN: &str = "mutation ($id: ID!) { runScenario(id: $id) { id horizonWeeks } }";

const SCENARIO: &str = "query ($id: ID!) { scenario(id: $id) {
    id name description archived ownedByYou
    latestRun { id }
    runs(first: 10) { totalCount edges { node { id } } }
} }";

const SCENARIOS: &str = "query ($includeArchived: Boolean!) {
    scenarios(includeArchived: $includeArchived, first: 100) { totalCount edges { node { id } } }
}";

/// A run as a commissioner reads it: what it assumed, its totals, its
/// week-by-week accounts and the demand nothing could take.
const READ_RUN: &str = "query ($id: ID!) { scenarioRun(id: $id) {
    id horizonWeeks
    assumptions { name value unit source }
    totals {
        services servicesChanged added routed unabsorbed removed
        before { arrivalsPerWeek capacityPerWeek servicesOverCapacity peakWaitingList fundingNeeded }
        after { arrivalsPerWeek capacityPerWeek servicesOverCapacity peakWaitingList fundingNeeded }
    }
    ledger { week added routed unabsorbed removed }
    unabsorbed(first: 100) {
        totalCount
        edges { node { ward { id } need reason missingCapability { kind code } referrals perWeek } }
    }
} }";

/// One page of a run's services, with every figure before and after.
const RUN_SERVICES: &str = "query ($id: ID!, $after: String) { scenarioRun(id: $id) {
    services(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node {
            service { id name }
            changed
            before { ...Figures }
            after { ...Figures }
            peakWaitingBand { p10 p50 p90 }
            peakWaitDaysBand { p10 p50 p90 }
        } }
    }
} }
fragment Figures on ScenarioFigures {
    arrivalsPerWeek capacityPerWeek utilisation peakUtilisation overCapacity
    firstWeekOver weeksOver peakWaitingList peakWaitDays extraPlacesNeeded fundingNeeded
}";

const SERIES: &str = "query ($id: ID!, $service: ID!) { scenarioRun(id: $id) {
    series(of: { serviceId: $service }) {
        week arrivalsBefore arrivalsAfter waitingBefore waitingAfter
        waitingBand { p10 p50 p90 }
    }
} }";

const COMPARE: &str = "query ($ids: [ID!]!) { compareScenarios(ids: $ids) {
    scenario { id name }
    run { id totals {
        added
        before { arrivalsPerWeek fundingNeeded servicesOverCapacity peakWaitingList }
        after { arrivalsPerWeek fundingNeeded servicesOverCapacity peakWaitingList }
    } }
} }";

fn f64_of(v: &Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is a number: {v}"))
}

fn list<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is a list: {v}"))
}

fn nodes(connection: &Value) -> Vec<Value> {
    list(&connection["edges"], "edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// The first PCN of the demo borough: its id and name.
async fn a_pcn(app: &TestApp) -> (String, String) {
    let body = app
        .gql(
            &app.keys.commissioner,
            "{ pcns(first: 1) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    let pcn = &data(&body)["pcns"]["edges"][0]["node"];
    (
        pcn["id"].as_str().expect("a PCN id").to_owned(),
        pcn["name"].as_str().expect("a PCN name").to_owned(),
    )
}

/// A scenario adding `staff` full-time social prescribing link workers to
/// `pcn`, recruited over eight weeks.
fn link_workers(name: &str, pcn: &str, staff: f64, weeks: i32, replications: i32) -> Value {
    json!({
        "name": name,
        "baseline": baseline(),
        "horizonWeeks": weeks,
        "replications": replications,
        "changes": [{
            "gatewayStaff": { "place": { "pcnId": pcn }, "kind": "SOCIAL_PRESCRIBING", "staff": staff },
            "rampWeeks": 8,
        }],
    })
}

async fn create(app: &TestApp, key: &str, input: Value) -> Value {
    let body = app.gql(key, CREATE, json!({ "input": input })).await;
    data(&body)["createScenario"].clone()
}

/// Runs scenario `id` as the commissioner; the run's id.
async fn run(app: &TestApp, id: &str) -> String {
    let body = app
        .gql(&app.keys.commissioner, RUN, json!({ "id": id }))
        .await;
    id_of(data(&body), "runScenario")
}

async fn read_run(app: &TestApp, run_id: &str) -> Value {
    let body = app
        .gql(&app.keys.commissioner, READ_RUN, json!({ "id": run_id }))
        .await;
    data(&body)["scenarioRun"].clone()
}

/// Every service of a run, page by page.
async fn run_services(app: &TestApp, run_id: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .gql(
                &app.keys.commissioner,
                RUN_SERVICES,
                json!({ "id": run_id, "after": after }),
            )
            .await;
        let services = &data(&body)["scenarioRun"]["services"];
        out.extend(nodes(services));
        if services["pageInfo"]["hasNextPage"] != true {
            assert_eq!(
                services["totalCount"].as_u64(),
                Some(out.len() as u64),
                "every service of the run is read once"
            );
            return out;
        }
        after = services["pageInfo"]["endCursor"].clone();
    }
}

/// The scenario ids `scenarios` lists.
async fn listed(app: &TestApp, include_archived: bool) -> BTreeSet<String> {
    let body = app
        .gql(
            &app.keys.commissioner,
            SCENARIOS,
            json!({ "includeArchived": include_archived }),
        )
        .await;
    nodes(&data(&body)["scenarios"])
        .iter()
        .map(|n| n["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The same figures, a float summed by the database allowed to differ in
/// its last bits (the order of a sum is the database's to choose).
fn assert_same_figures(a: &Value, b: &Value, what: &str) {
    let (fa, fb) = (
        a.as_object().expect("figures"),
        b.as_object().expect("figures"),
    );
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{what}: {a} and {b}"
    );
    for (key, x) in fa {
        let y = &fb[key];
        match (x, y) {
            (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
                let (x, y) = (x.as_f64().expect("a number"), y.as_f64().expect("a number"));
                assert!(
                    (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                    "{what}: {key} {x} and {y}"
                );
            }
            _ => assert_eq!(x, y, "{what}: {key}"),
        }
    }
}

fn band_is_ordered(band: &Value, what: &str) {
    let (p10, p50, p90) = (
        f64_of(&band["p10"], "p10"),
        f64_of(&band["p50"], "p50"),
        f64_of(&band["p90"], "p90"),
    );
    assert!(p10 <= p50 && p50 <= p90, "{what}: p10 ≤ p50 ≤ p90: {band}");
}

#[tokio::test]
async fn a_commissioner_creates_runs_copies_and_archives_a_scenario() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, pcn_name) = a_pcn(&app).await;
    let name = format!("Three link workers in {pcn_name}");

    let scenario = create(
        &app,
        &app.keys.commissioner,
        link_workers(&name, &pcn, 3.0, 26, 50),
    )
    .await;
    let id = scenario["id"].as_str().expect("a scenario id").to_owned();
    assert_eq!(scenario["name"], name.as_str());
    assert_eq!(scenario["ownedByYou"], true);
    assert_eq!(scenario["copiedFrom"], Value::Null);
    assert_eq!(scenario["archived"], false);
    assert_eq!(scenario["horizonWeeks"], 26);
    assert_eq!(scenario["baselineFrom"], baseline()["from"]);
    assert_eq!(scenario["baselineTo"], baseline()["to"]);
    let changes = list(&scenario["changes"], "changes");
    assert_eq!(changes.len(), 1, "{scenario}");
    assert_eq!(changes[0]["kind"], "GATEWAY_STAFF");
    assert_eq!(changes[0]["rampWeeks"], 8);
    assert_eq!(changes[0]["place"]["pcn"], pcn.as_str());

    let first_run = run(&app, &id).await;
    let r = read_run(&app, &first_run).await;
    assert_eq!(r["horizonWeeks"], 26);

    // Every extra referral is either routed to a service or reported as
    // unabsorbed.
    let totals = &r["totals"];
    let added = f64_of(&totals["added"], "added");
    let routed = f64_of(&totals["routed"], "routed");
    let unabsorbed = f64_of(&totals["unabsorbed"], "unabsorbed");
    assert!(added > 0.0, "three link workers add referrals: {totals}");
    assert!(
        (added - routed - unabsorbed).abs() < 0.01,
        "added = routed + unabsorbed: {totals}"
    );

    // The accounts run week by week over the horizon and add up to the
    // totals; the link workers are recruited over eight weeks, so the first
    // week brings an eighth of what a week brings once they are all in post.
    let ledger = list(&r["ledger"], "ledger");
    assert_eq!(ledger.len(), 26, "one week of accounts a week: {ledger:?}");
    for (w, week) in ledger.iter().enumerate() {
        assert_eq!(week["week"], w, "{week}");
    }
    let weekly: Vec<f64> = ledger
        .iter()
        .map(|w| f64_of(&w["added"], "a week's added"))
        .collect();
    assert!((weekly.iter().sum::<f64>() - added).abs() < 0.01);
    assert!(
        (weekly[0] * 8.0 - weekly[25]).abs() < 1e-6 && (weekly[7] - weekly[25]).abs() < 1e-6,
        "the ramp-up: {weekly:?}"
    );

    // The run says what it took as given: NHS England's 225 people a year
    // for a link worker.
    let assumptions = list(&r["assumptions"], "assumptions");
    assert!(
        assumptions.iter().any(|a| {
            a["name"]
                .as_str()
                .is_some_and(|n| n.contains("link worker"))
                && a["source"]
                    .as_str()
                    .is_some_and(|s| s.contains("NHS England"))
                && a["value"].as_f64() == Some(225.0)
        }),
        "{assumptions:?}"
    );

    // Some service the change reaches gets more referrals than it does now.
    let services = run_services(&app, &first_run).await;
    let busier = services
        .iter()
        .find(|s| {
            s["changed"] == true
                && f64_of(&s["after"]["arrivalsPerWeek"], "after")
                    > f64_of(&s["before"]["arrivalsPerWeek"], "before")
        })
        .unwrap_or_else(|| panic!("no service gets busier: {services:?}"));
    let service_id = busier["service"]["id"].as_str().expect("a service id");
    band_is_ordered(&busier["peakWaitingBand"], "the peak waiting list");
    let body = app
        .gql(
            &app.keys.commissioner,
            SERIES,
            json!({ "id": first_run, "service": service_id }),
        )
        .await;
    let series = list(&data(&body)["scenarioRun"]["series"], "series");
    assert_eq!(series.len(), 26, "a week of the horizon a point");
    for week in series {
        band_is_ordered(&week["waitingBand"], "the waiting list band");
    }

    // Running it again keeps both runs; the latest is the second.
    let second_run = run(&app, &id).await;
    assert_ne!(first_run, second_run);
    let body = app
        .gql(&app.keys.commissioner, SCENARIO, json!({ "id": id }))
        .await;
    let read = &data(&body)["scenario"];
    assert_eq!(read["runs"]["totalCount"], 2, "{read}");
    assert_eq!(read["latestRun"]["id"], second_run.as_str());

    // Edited to one link worker over a year: the scenario says so, and
    // the runs still say what they ran with.
    let body = app
        .gql(
            &app.keys.commissioner,
            EDIT,
            json!({ "id": id, "input": link_workers(&name, &pcn, 1.0, 52, 50) }),
        )
        .await;
    data(&body);
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { scenarioRun(id: $id) {
                definition { horizonWeeks replications seed changes { summary rampWeeks } }
                scenario { definition { horizonWeeks changes { summary } } } } }",
            json!({ "id": first_run }),
        )
        .await;
    let ran = &data(&body)["scenarioRun"];
    assert_eq!(ran["definition"]["horizonWeeks"], 26, "{ran}");
    assert_eq!(ran["definition"]["replications"], 50, "{ran}");
    let ran_change = ran["definition"]["changes"][0]["summary"]
        .as_str()
        .expect("a summary");
    let now_change = ran["scenario"]["definition"]["changes"][0]["summary"]
        .as_str()
        .expect("a summary");
    assert!(ran_change.starts_with("3 more"), "{ran}");
    assert!(now_change.starts_with("1 more"), "{ran}");
    assert_eq!(ran["scenario"]["definition"]["horizonWeeks"], 52, "{ran}");

    // A copy, to change without touching the original.
    let body = app
        .gql(&app.keys.commissioner, COPY, json!({ "id": id }))
        .await;
    let copy = &data(&body)["copyScenario"];
    let copy_id = copy["id"].as_str().expect("the copy's id").to_owned();
    assert_ne!(copy_id, id);
    assert_eq!(copy["copiedFrom"], id.as_str());
    assert_eq!(copy["ownedByYou"], true);
    assert_eq!(
        list(&copy["changes"], "the copy's changes").len(),
        changes.len()
    );
    let before_archiving = listed(&app, false).await;
    assert!(
        before_archiving.contains(&id) && before_archiving.contains(&copy_id),
        "{before_archiving:?}"
    );

    // Archived: it stays readable with its runs, leaves the list and no
    // longer runs.
    let body = app
        .gql(&app.keys.commissioner, ARCHIVE, json!({ "id": id }))
        .await;
    let archived = &data(&body)["archiveScenario"];
    assert_eq!(archived["archived"], true);
    assert!(archived["archivedAt"].is_string(), "{archived}");
    let after_archiving = listed(&app, false).await;
    assert!(!after_archiving.contains(&id), "{after_archiving:?}");
    assert!(after_archiving.contains(&copy_id), "{after_archiving:?}");
    assert!(listed(&app, true).await.contains(&id));
    let body = app
        .gql(&app.keys.commissioner, SCENARIO, json!({ "id": id }))
        .await;
    let read = &data(&body)["scenario"];
    assert_eq!(read["archived"], true);
    assert_eq!(read["runs"]["totalCount"], 2, "{read}");
    let body = app
        .gql(&app.keys.commissioner, RUN, json!({ "id": id }))
        .await;
    assert_error(&body, "CONFLICT");
    assert_eq!(
        app.count("scenario_run").await,
        2,
        "the refused run is not kept"
    );
}

#[tokio::test]
async fn a_scenario_with_no_changes_projects_each_services_baseline_demand_unchanged() {
    let app = spawn_demo_app(as_of()).await;
    // The ward that accepted the most referrals over the baseline.
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($window: WindowInput!) {
                capacityOverview(window: $window, groupBy: WARD, first: 100) {
                    edges { node { referralsAccepted area { id kind } } }
                }
            }",
            json!({ "window": baseline() }),
        )
        .await;
    let wards = nodes(&data(&body)["capacityOverview"]);
    let ward = wards
        .iter()
        .max_by_key(|w| w["referralsAccepted"].as_i64().expect("a count"))
        .expect("the demo borough has wards");
    assert_eq!(ward["area"]["kind"], "WARD");
    let ward_id = ward["area"]["id"].as_str().expect("a ward id").to_owned();

    let scenario = create(
        &app,
        &app.keys.commissioner,
        json!({
            "name": "Nothing changes",
            "area": { "areaId": ward_id },
            "baseline": baseline(),
            "horizonWeeks": 12,
            "replications": 10,
        }),
    )
    .await;
    assert_eq!(scenario["area"]["area"], ward_id.as_str());
    let run_id = run(&app, scenario["id"].as_str().expect("an id")).await;
    let r = read_run(&app, &run_id).await;
    assert_eq!(r["totals"]["servicesChanged"], 0, "{}", r["totals"]);
    assert_eq!(f64_of(&r["totals"]["added"], "added"), 0.0);

    // The commissioner's own overview of the ward over the same weeks.
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($window: WindowInput!, $areaId: ID) {
                capacityOverview(window: $window, areaId: $areaId, groupBy: SERVICE, first: 100) {
                    pageInfo { hasNextPage }
                    edges { node { demand service { id } } }
                }
            }",
            json!({ "window": baseline(), "areaId": ward_id }),
        )
        .await;
    let overview = &data(&body)["capacityOverview"];
    assert_eq!(overview["pageInfo"]["hasNextPage"], false);
    let demand: BTreeMap<String, f64> = nodes(overview)
        .iter()
        .map(|n| {
            (
                n["service"]["id"]
                    .as_str()
                    .expect("a service id")
                    .to_owned(),
                f64_of(&n["demand"], "demand"),
            )
        })
        .collect();
    assert!(
        demand.values().any(|d| *d > 0.0),
        "the busiest ward has demand: {demand:?}"
    );

    let services = run_services(&app, &run_id).await;
    let projected: BTreeSet<String> = services
        .iter()
        .map(|s| s["service"]["id"].as_str().expect("a service").to_owned())
        .collect();
    assert_eq!(
        projected,
        demand.keys().cloned().collect::<BTreeSet<_>>(),
        "the run reports every service of the ward"
    );
    for s in &services {
        let id = s["service"]["id"].as_str().expect("a service id");
        let before = f64_of(&s["before"]["arrivalsPerWeek"], "before");
        let after = f64_of(&s["after"]["arrivalsPerWeek"], "after");
        assert_eq!(s["changed"], false, "{s}");
        assert!((before - after).abs() < 1e-9, "nothing changes: {s}");
        assert!(
            (before - demand[id]).abs() < 1e-6,
            "{id}: the run's {before} a week, the overview's demand {}",
            demand[id]
        );
    }
}

#[tokio::test]
async fn the_same_scenario_and_seed_give_the_same_bands() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, _) = a_pcn(&app).await;
    let scenario = create(
        &app,
        &app.keys.commissioner,
        link_workers("Two link workers", &pcn, 2.0, 26, 50),
    )
    .await;
    let id = scenario["id"].as_str().expect("an id");
    let first = run(&app, id).await;
    let second = run(&app, id).await;
    assert_ne!(first, second, "two runs are kept");

    let figures = |services: Vec<Value>| -> BTreeMap<String, Value> {
        services
            .into_iter()
            .map(|s| {
                (
                    s["service"]["id"].as_str().expect("a service").to_owned(),
                    json!({
                        "after": s["after"],
                        "peakWaitingBand": s["peakWaitingBand"],
                        "peakWaitDaysBand": s["peakWaitDaysBand"],
                    }),
                )
            })
            .collect()
    };
    let a = figures(run_services(&app, &first).await);
    let b = figures(run_services(&app, &second).await);
    assert!(
        a.values().any(|f| f["peakWaitingBand"].is_object()),
        "some service has a band to compare: {a:?}"
    );
    assert_eq!(a, b, "the same seed draws the same futures");
}

#[tokio::test]
async fn demand_no_service_can_absorb_is_reported_not_dropped() {
    let app = spawn_demo_app(as_of()).await;
    // No service in the borough offers Xhosa.
    let body = app
        .gql(
            &app.keys.commissioner,
            "{ xhosa: services(filter: { capability: { kind: LANGUAGE, code: \"xh\" } }) { totalCount }
               wards: areas(filter: { kind: WARD }, first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let d = data(&body);
    assert_eq!(d["xhosa"]["totalCount"], 0, "{body}");
    let ward = d["wards"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a ward")
        .to_owned();

    let per_week = 4.0;
    let weeks = 26;
    let scenario = create(
        &app,
        &app.keys.commissioner,
        json!({
            "name": "Sylheti speakers with dementia who need Xhosa",
            "baseline": baseline(),
            "horizonWeeks": weeks,
            "replications": 10,
            "changes": [{ "extraDemand": {
                "place": { "areaId": ward },
                "need": "DEMENTIA",
                "perWeek": per_week,
                "languages": [{ "code": "syl", "share": 1 }],
                "required": [{ "kind": "LANGUAGE", "code": "xh" }],
            } }],
        }),
    )
    .await;
    let run_id = run(&app, scenario["id"].as_str().expect("an id")).await;
    let r = read_run(&app, &run_id).await;
    let totals = &r["totals"];
    let added = f64_of(&totals["added"], "added");
    assert!(
        (added - per_week * f64::from(weeks)).abs() < 0.01,
        "{per_week} a week for {weeks} weeks: {totals}"
    );
    assert!(
        (f64_of(&totals["unabsorbed"], "unabsorbed") - added).abs() < 0.01,
        "none of it is absorbed: {totals}"
    );
    assert!(f64_of(&totals["routed"], "routed").abs() < 0.01, "{totals}");

    let entries = nodes(&r["unabsorbed"]);
    assert!(!entries.is_empty(), "the demand is reported: {r}");
    for e in &entries {
        assert_eq!(e["need"], "DEMENTIA", "{e}");
        assert_eq!(e["ward"]["id"], ward.as_str(), "{e}");
        assert!(
            e["reason"] == "LACKS_CAPABILITY" || e["reason"] == "NO_SERVICE_NEARBY",
            "{e}"
        );
        assert!(f64_of(&e["referrals"], "referrals") > 0.0, "{e}");
    }
    let reported: f64 = entries
        .iter()
        .map(|e| f64_of(&e["referrals"], "referrals"))
        .sum();
    assert!(
        (reported - added).abs() < 0.01,
        "every referral added is reported: {reported} of {added}"
    );
    if let Some(e) = entries.iter().find(|e| e["reason"] == "LACKS_CAPABILITY") {
        let missing = &e["missingCapability"];
        assert_eq!(missing["kind"], "LANGUAGE", "{e}");
        assert!(
            missing["code"] == "xh" || missing["code"] == "syl",
            "the capability lacking is one they need: {e}"
        );
    }
}

#[tokio::test]
async fn only_commissioners_and_admins_plan_and_only_the_owner_edits() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05009001", "Planning Ward").await;
    let input =
        |name: &str| json!({ "name": name, "area": { "areaId": ward }, "horizonWeeks": 12 });
    let scenario = create(&app, &app.keys.commissioner, input("A ward as it is")).await;
    let id = scenario["id"].as_str().expect("an id").to_owned();
    assert_eq!(app.count("scenario").await, 1);

    for (who, key) in [
        ("provider", &app.keys.provider),
        ("link worker", &app.keys.link_worker),
        ("researcher", &app.keys.researcher),
    ] {
        let body = app
            .gql(key, CREATE, json!({ "input": input("Not mine to plan") }))
            .await;
        assert_error(&body, "FORBIDDEN");
        let body = app.gql(key, SCENARIO, json!({ "id": id })).await;
        assert_error(&body, "FORBIDDEN");
        assert_eq!(
            body["data"]["scenario"],
            Value::Null,
            "a {who} reads nothing of it: {body}"
        );
    }
    assert_eq!(app.count("scenario").await, 1, "nothing was written");

    // Another commissioner reads and copies it, but does not change it.
    let colleague = app.issue_key(Role::Commissioner, None, None).await;
    let body = app.gql(&colleague, SCENARIO, json!({ "id": id })).await;
    let read = &data(&body)["scenario"];
    assert_eq!(read["name"], "A ward as it is");
    assert_eq!(read["ownedByYou"], false);
    let body = app.gql(&colleague, COPY, json!({ "id": id })).await;
    let copy = &data(&body)["copyScenario"];
    assert_eq!(copy["copiedFrom"], id.as_str());
    assert_eq!(copy["ownedByYou"], true);
    let body = app
        .gql(
            &colleague,
            EDIT,
            json!({ "id": id, "input": input("Renamed by a colleague") }),
        )
        .await;
    assert_error(&body, "FORBIDDEN");
    let body = app.gql(&colleague, ARCHIVE, json!({ "id": id })).await;
    assert_error(&body, "FORBIDDEN");
    let body = app
        .gql(&app.keys.commissioner, SCENARIO, json!({ "id": id }))
        .await;
    let read = &data(&body)["scenario"];
    assert_eq!(read["name"], "A ward as it is", "{read}");
    assert_eq!(read["archived"], false, "{read}");

    // Its owner edits it, and so does an admin.
    let body = app
        .gql(
            &app.keys.commissioner,
            EDIT,
            json!({ "id": id, "input": input("The ward, renamed by its owner") }),
        )
        .await;
    assert_eq!(
        data(&body)["editScenario"]["name"],
        "The ward, renamed by its owner"
    );
    let body = app
        .gql(
            &app.keys.admin,
            EDIT,
            json!({ "id": id, "input": input("The ward, renamed by an admin") }),
        )
        .await;
    assert_eq!(
        data(&body)["editScenario"]["name"],
        "The ward, renamed by an admin"
    );
    let body = app
        .gql(&app.keys.commissioner, SCENARIO, json!({ "id": id }))
        .await;
    assert_eq!(
        data(&body)["scenario"]["name"],
        "The ward, renamed by an admin"
    );
}

#[tokio::test]
async fn bad_scenarios_are_refused_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05009002", "Refusal Ward").await;
    let good = json!({
        "name": "Two link workers",
        "horizonWeeks": 52,
        "changes": [{
            "gatewayStaff": { "place": { "areaId": ward }, "kind": "SOCIAL_PRESCRIBING", "staff": 2 },
            "rampWeeks": 8,
        }],
    });
    // The good scenario with one thing wrong.
    let spoiled = |spoil: &dyn Fn(&mut Value)| {
        let mut input = good.clone();
        spoil(&mut input);
        input
    };
    let unknown_pcn = ids::encode("Pcn", 999_999).0;
    let tomorrow = crate::helpers::today() + Duration::days(1);
    let org = app.provider_organisation_id.clone();
    let cases = [
        // A baseline in the future holds no history; one day holds no week.
        (
            "baseline",
            spoiled(&|s| {
                s["baseline"] = json!({ "from": tomorrow.to_string(),
                                        "to": (tomorrow + Duration::weeks(12)).to_string() })
            }),
        ),
        (
            "baseline",
            spoiled(&|s| {
                s["baseline"] = json!({ "from": (tomorrow - Duration::days(30)).to_string(),
                                        "to": (tomorrow - Duration::days(29)).to_string() })
            }),
        ),
        (
            "changes.0.newService.maxAge",
            spoiled(&|s| {
                s["changes"][0] = json!({ "newService": {
                    "name": "Elders' lunch", "organisationId": org, "wardId": ward,
                    "needs": ["LONELINESS"], "placesPerWeek": 5, "minAge": 80, "maxAge": 20 } })
            }),
        ),
        ("horizonWeeks", spoiled(&|s| s["horizonWeeks"] = json!(0))),
        ("horizonWeeks", spoiled(&|s| s["horizonWeeks"] = json!(105))),
        (
            "changes.0.gatewayStaff.place",
            spoiled(&|s| {
                s["changes"][0]["gatewayStaff"]["place"] = json!({ "pcnId": unknown_pcn })
            }),
        ),
        (
            "changes.0.gatewayStaff.staff",
            spoiled(&|s| s["changes"][0]["gatewayStaff"]["staff"] = json!(-1)),
        ),
        (
            "changes.0.gatewayStaff.onwardRate",
            spoiled(&|s| s["changes"][0]["gatewayStaff"]["onwardRate"] = json!(1.5)),
        ),
        (
            "changes.0.rampWeeks",
            spoiled(&|s| s["changes"][0]["rampWeeks"] = json!(60)),
        ),
        (
            "changes.0",
            spoiled(&|s| {
                s["changes"][0]["extraDemand"] = json!({
                    "place": { "areaId": ward },
                    "need": "LONELINESS",
                    "perWeek": 1,
                })
            }),
        ),
        (
            "changes.0.gatewayStaff.peoplePerYear",
            spoiled(&|s| {
                s["changes"][0]["gatewayStaff"]["kind"] = json!("COMMUNITY_HEALTH_CHAMPIONS")
            }),
        ),
    ];
    for (field, input) in cases {
        let body = app
            .gql(&app.keys.commissioner, CREATE, json!({ "input": input }))
            .await;
        assert_bad_input(&body, field);
        assert_eq!(
            app.count("scenario").await,
            0,
            "a refused scenario ({field}) is not written"
        );
    }

    // The same scenario, put right, is written.
    create(&app, &app.keys.commissioner, good).await;
    assert_eq!(app.count("scenario").await, 1);
}

#[tokio::test]
async fn compare_scenarios_shows_each_beside_its_baseline() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, pcn_name) = a_pcn(&app).await;
    let one = create(
        &app,
        &app.keys.commissioner,
        link_workers(&format!("One link worker in {pcn_name}"), &pcn, 1.0, 26, 20),
    )
    .await;
    let three = create(
        &app,
        &app.keys.commissioner,
        link_workers(
            &format!("Three link workers in {pcn_name}"),
            &pcn,
            3.0,
            26,
            20,
        ),
    )
    .await;
    let (a, b) = (
        one["id"].as_str().expect("an id"),
        three["id"].as_str().expect("an id"),
    );
    let run_a = run(&app, a).await;
    let run_b = run(&app, b).await;

    let body = app
        .gql(&app.keys.commissioner, COMPARE, json!({ "ids": [a, b] }))
        .await;
    let compared = list(&data(&body)["compareScenarios"], "compared");
    assert_eq!(compared.len(), 2, "{body}");
    assert_eq!(compared[0]["scenario"]["id"], a);
    assert_eq!(compared[1]["scenario"]["id"], b);
    assert_eq!(compared[0]["run"]["id"], run_a.as_str());
    assert_eq!(compared[1]["run"]["id"], run_b.as_str());

    let (ta, tb) = (&compared[0]["run"]["totals"], &compared[1]["run"]["totals"]);
    let (added_a, added_b) = (f64_of(&ta["added"], "added"), f64_of(&tb["added"], "added"));
    assert!(added_a > 0.0, "{ta}");
    assert!(added_b > added_a, "three bring more than one: {ta} {tb}");
    assert!(
        (added_b - 3.0 * added_a).abs() < 1e-6 * added_b,
        "three link workers see three times the people: {added_a} and {added_b}"
    );
    assert_same_figures(&ta["before"], &tb["before"], "the same baseline");
    assert!(
        f64_of(&tb["after"]["arrivalsPerWeek"], "after")
            > f64_of(&tb["before"]["arrivalsPerWeek"], "before"),
        "{tb}"
    );
}

#[tokio::test]
async fn a_runs_groups_add_up_to_its_totals_and_a_groups_series_to_its_services() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, _) = a_pcn(&app).await;
    let scenario = create(
        &app,
        &app.keys.commissioner,
        link_workers("Groups", &pcn, 2.0, 12, 20),
    )
    .await;
    let run_id = run(&app, scenario["id"].as_str().expect("an id")).await;
    let totals = read_run(&app, &run_id).await["totals"].clone();
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!) { scenarioRun(id: $id) {
                groups(by: PCN, first: 100) {
                    totalCount
                    edges { node { key label services before { arrivalsPerWeek } after { arrivalsPerWeek } } }
                }
            } }",
            json!({ "id": run_id }),
        )
        .await;
    let groups = nodes(&data(&body)["scenarioRun"]["groups"]);
    assert!(!groups.is_empty());
    // PCN groups part the run's services: their sums are the run's.
    let services: i64 = groups
        .iter()
        .map(|g| g["services"].as_i64().expect("a count"))
        .sum();
    assert_eq!(Some(services), totals["services"].as_i64());
    for side in ["before", "after"] {
        let sum: f64 = groups
            .iter()
            .map(|g| f64_of(&g[side]["arrivalsPerWeek"], side))
            .sum();
        let total = f64_of(&totals[side]["arrivalsPerWeek"], side);
        assert!(
            (sum - total).abs() < 1e-6 * total.max(1.0),
            "{side}: {sum} and {total}"
        );
    }

    // The busiest group's weekly series averages to its arrivals a week.
    let group = groups
        .iter()
        .max_by(|a, b| {
            f64_of(&a["after"]["arrivalsPerWeek"], "a")
                .total_cmp(&f64_of(&b["after"]["arrivalsPerWeek"], "b"))
        })
        .expect("a group");
    assert!(!group["label"].as_str().expect("a label").is_empty());
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($id: ID!, $key: String!) { scenarioRun(id: $id) {
                series(of: { groupBy: PCN, key: $key }) { week arrivalsAfter waitingBand { p50 } }
            } }",
            json!({ "id": run_id, "key": group["key"] }),
        )
        .await;
    let weeks = list(&data(&body)["scenarioRun"]["series"], "series").clone();
    assert_eq!(weeks.len(), 12);
    let mean = weeks
        .iter()
        .map(|w| f64_of(&w["arrivalsAfter"], "arrivals"))
        .sum::<f64>()
        / 12.0;
    let expected = f64_of(&group["after"]["arrivalsPerWeek"], "group");
    // Each week of the series is rounded to a thousandth per service.
    assert!(
        (mean - expected).abs() < 0.01 * expected.max(1.0),
        "{mean} and {expected}"
    );
    assert!(
        weeks.iter().all(|w| w["waitingBand"].is_null()),
        "a group has no bands"
    );
}

#[tokio::test]
async fn the_backtest_sets_the_projection_against_what_happened() {
    let app = spawn_demo_app(as_of()).await;
    let query = "query ($baseline: WindowInput!) {
        scenarioBacktest(baseline: $baseline, weeks: 4, first: 5) {
            weeks demand unabsorbed
            arrivals { meanAbsolute weightedShare bias points }
            periodArrivals { points }
            naivePeriodArrivals { points }
            waitingList { points }
            services { service { id } projectedArrivals actualArrivals arrivals { meanAbsolute } }
        }
    }";
    // The twelve weeks that end four weeks before the demo's last day.
    let to = as_of() + Duration::days(1) - Duration::weeks(4);
    let past = json!({ "from": (to - Duration::weeks(12)).to_string(), "to": to.to_string() });
    let body = app
        .gql(&app.keys.commissioner, query, json!({ "baseline": past }))
        .await;
    let b = &data(&body)["scenarioBacktest"];
    assert_eq!(b["weeks"], 4);
    assert!(f64_of(&b["demand"], "demand") > 0.0, "{b}");
    let services = list(&b["services"], "services");
    assert_eq!(services.len(), 5);
    let errors: Vec<f64> = services
        .iter()
        .map(|s| f64_of(&s["arrivals"]["meanAbsolute"], "error"))
        .collect();
    assert!(
        errors.windows(2).all(|w| w[0] >= w[1]),
        "largest first: {errors:?}"
    );
    let points = b["arrivals"]["points"].as_i64().expect("points");
    assert_eq!(Some(points), b["waitingList"]["points"].as_i64());
    assert_eq!(b["periodArrivals"]["points"].as_i64(), Some(points / 4));

    // Weeks that have not happened yet cannot be backtested.
    let to = crate::helpers::today() + Duration::days(1);
    let recent = json!({ "from": (to - Duration::weeks(12)).to_string(), "to": to.to_string() });
    let body = app
        .gql(&app.keys.commissioner, query, json!({ "baseline": recent }))
        .await;
    assert_bad_input(&body, "weeks");
    let body = app
        .gql(&app.keys.provider, query, json!({ "baseline": past }))
        .await;
    assert_error(&body, "FORBIDDEN");
}

#[tokio::test]
async fn a_scenario_and_its_run_are_nodes_for_planners_and_nothing_to_anyone_else() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, _) = a_pcn(&app).await;
    let scenario = create(
        &app,
        &app.keys.commissioner,
        link_workers("Nodes", &pcn, 1.0, 8, 0),
    )
    .await;
    let scenario_id = scenario["id"].as_str().expect("an id").to_owned();
    let run_id = run(&app, &scenario_id).await;
    let query = "query ($id: ID!) { node(id: $id) {
        id ... on Scenario { name } ... on ScenarioRun { horizonWeeks }
    } }";
    for (id, field, want) in [
        (&scenario_id, "name", json!("Nodes")),
        (&run_id, "horizonWeeks", json!(8)),
    ] {
        for key in [&app.keys.commissioner, &app.keys.admin] {
            let body = app.gql(key, query, json!({ "id": id })).await;
            assert_eq!(data(&body)["node"][field], want, "{body}");
        }
        for key in [
            &app.keys.provider,
            &app.keys.researcher,
            &app.keys.link_worker,
        ] {
            let body = app.gql(key, query, json!({ "id": id })).await;
            assert!(data(&body)["node"].is_null(), "{body}");
        }
    }
}

/// A service with room, its places cut to none for the last 4 weeks of 52:
/// over capacity from week 48 for 4 weeks, and the funding it needs is
/// those 4 weeks' places at the target utilisation (its arrivals ÷ 0.85),
/// at its unit cost, and no more: the other 48 weeks have room.
#[tokio::test]
async fn a_cut_for_the_last_four_weeks_costs_those_four_weeks() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.commissioner,
            "query ($w: WindowInput!) { capacityOverview(window: $w, groupBy: SERVICE, first: 100) {
                nodes { service { id unitCost } capacity caseloadCapacity demand utilisation } } }",
            json!({ "w": baseline() }),
        )
        .await;
    let nodes = list(&data(&body)["capacityOverview"]["nodes"], "nodes");
    let chosen = nodes
        .iter()
        .find(|n| {
            n["caseloadCapacity"] == 0.0
                && n["demand"].as_f64().is_some_and(|d| d > 0.5)
                && n["utilisation"].as_f64().is_some_and(|u| u < 0.7)
                && n["service"]["unitCost"].is_string()
        })
        .unwrap_or_else(|| panic!("a throughput service with room and a unit cost: {nodes:?}"));
    let service = chosen["service"]["id"].as_str().expect("an id").to_owned();
    let places = f64_of(&chosen["capacity"], "capacity");
    let unit_cost: f64 = chosen["service"]["unitCost"]
        .as_str()
        .and_then(|c| c.parse().ok())
        .expect("a unit cost in pence");

    let scenario = create(
        &app,
        &app.keys.commissioner,
        json!({
            "name": "Closed for the last four weeks",
            "baseline": baseline(),
            "horizonWeeks": 52,
            "replications": 0,
            "changes": [{ "startWeek": 48, "capacity": { "serviceId": service, "placesPerWeek": -places } }],
        }),
    )
    .await;
    let run_id = run(&app, scenario["id"].as_str().expect("an id")).await;
    let services = run_services(&app, &run_id).await;
    let cut = services
        .iter()
        .find(|s| s["service"]["id"] == service.as_str())
        .unwrap_or_else(|| panic!("the cut service is in the run"));
    let (before, after) = (&cut["before"], &cut["after"]);
    assert_eq!(before["overCapacity"], false, "{cut}");
    assert_eq!(before["fundingNeeded"], "0", "{cut}");
    assert_eq!(after["firstWeekOver"], 48, "{cut}");
    assert_eq!(after["weeksOver"], 4, "{cut}");

    let arrivals = f64_of(&after["arrivalsPerWeek"], "arrivals");
    let lacking = arrivals / 0.85;
    assert!(
        (f64_of(&after["extraPlacesNeeded"], "extra places") - lacking).abs() < 1e-6,
        "{cut}"
    );
    let funding: f64 = after["fundingNeeded"]
        .as_str()
        .and_then(|f| f.parse().ok())
        .expect("funding in pence");
    let expected = 4.0 * lacking * unit_cost;
    assert!(
        (funding - expected).abs() <= 1.0,
        "4 weeks × {lacking:.3} places × {unit_cost} pence = {expected:.0}, not {funding}"
    );
}

/// What a run could not know it says, rather than counting it as
/// nothing: Health Trainers with no cost stated (no published figure
/// exists) and a new caseload service with no episode length; and what a
/// scenario states (an onward rate) overrides the baseline's.
#[tokio::test]
async fn a_run_lists_what_it_assumed_or_could_not_count() {
    let app = spawn_demo_app(as_of()).await;
    let (pcn, _) = a_pcn(&app).await;
    let body = app
        .gql(
            &app.keys.commissioner,
            "{ areas(filter: { kind: WARD }, first: 1) { nodes { id } } organisations(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let ward = data(&body)["areas"]["nodes"][0]["id"].clone();
    let organisation = data(&body)["organisations"]["nodes"][0]["id"].clone();
    let scenario = create(
        &app,
        &app.keys.commissioner,
        json!({
            "name": "Trainers and a new befriending service",
            "baseline": baseline(),
            "horizonWeeks": 12,
            "replications": 0,
            "changes": [
                { "gatewayStaff": { "place": { "pcnId": pcn }, "kind": "HEALTH_TRAINERS",
                                    "staff": 2, "peoplePerYear": 300, "onwardRate": 0.5 } },
                { "newService": { "name": "Befriending calls", "organisationId": organisation,
                                  "wardId": ward, "needs": ["LONELINESS"], "caseloadMax": 12 } },
            ],
        }),
    )
    .await;
    let run_id = run(&app, scenario["id"].as_str().expect("an id")).await;
    let r = read_run(&app, &run_id).await;
    let assumptions = list(&r["assumptions"], "assumptions");
    let named = |name: &str| {
        assumptions
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("{name} is assumed: {assumptions:?}"))
            .clone()
    };
    let cost = named("changes.0.gatewayStaff: cost of one member of staff a year");
    assert!(
        cost["source"]
            .as_str()
            .unwrap_or("")
            .starts_with("not counted"),
        "{cost}"
    );
    // The onward rate stated overrides the baseline's: half of the 600
    // people a year the trainers see, over the 12 weeks.
    let onward = named("changes.0.gatewayStaff: onward referral rate");
    assert_eq!(onward["value"], 0.5, "{onward}");
    assert_eq!(onward["source"], "stated in the scenario");
    let added = f64_of(&r["totals"]["added"], "added");
    let expected = 2.0 * 300.0 * 0.5 * 12.0 / WEEKS_PER_YEAR;
    assert!(
        (added - expected).abs() < 0.01,
        "{added} added, {expected} expected"
    );
    let episode = named("changes.1.newService: episode length");
    assert_eq!(episode["value"], 12.0);
    assert_eq!(episode["unit"], "weeks");
}
