//! Researchers' service measures through HTTP: capacity, utilisation,
//! contribution hours and funding, each equal to the figure worked out by
//! hand from the services, capacity, statuses, referrals, contributions
//! and awards the test itself records; placed where the service is; the
//! questions they refuse, the catalogue and the role boundary.

use std::collections::BTreeMap;

use async_graphql::ID;
use chrono::{Duration, NaiveDate, Utc};
use headroom::graphql::ids;
use headroom::store::entity::{funding_award, service_status};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

use crate::analytics::{ask, figures, COUNTS};
use crate::helpers::{
    assert_bad_input, data, id_of, spawn_app, today, TestApp, CREATE_ORGANISATION, CREATE_SERVICE,
    RECORD_CONTRIBUTION,
};

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a day")
}

/// A question over the days `[from, to)`.
fn question(measures: &[&str], dimensions: &[&str], from: NaiveDate, to: NaiveDate) -> Value {
    json!({ "measures": measures, "dimensions": dimensions,
            "window": { "from": from.to_string(), "to": to.to_string() } })
}

/// The question, narrowed to one service.
fn for_service(mut question: Value, service: &str) -> Value {
    question["filters"] = json!([{ "dimension": "SERVICE", "values": [key_of(service)] }]);
    question
}

/// One measure's figures as `keys joined by '|' → figure`.
fn cells(body: &Value, measure: &str) -> BTreeMap<String, Value> {
    figures(body)
        .into_iter()
        .filter(|((_, m), _)| m == measure)
        .map(|((keys, _), figure)| (keys, figure))
        .collect()
}

/// A figure shown as it is (neither suppressed nor rounded) and equal to
/// `expected`.
fn assert_figure(figure: Option<&Value>, expected: f64, what: &str) {
    let figure = figure.unwrap_or_else(|| panic!("no figure for {what}"));
    assert_eq!(figure["suppressed"], false, "{what}: {figure}");
    let value = figure["value"]
        .as_f64()
        .unwrap_or_else(|| panic!("{what} has a value: {figure}"));
    assert!(
        (value - expected).abs() < 1e-9,
        "{what}: {value}, want {expected}"
    );
}

/// Every expected cell holds its figure, and any other cell holds nothing.
fn assert_cells(shown: &BTreeMap<String, Value>, expected: &[(String, f64)], what: &str) {
    for (key, want) in expected {
        assert_figure(shown.get(key), *want, &format!("{what} {key:?}"));
    }
    for (key, figure) in shown {
        if expected.iter().all(|(k, _)| k != key) {
            assert!(
                figure["suppressed"] == false && figure["value"].as_f64().is_none_or(|v| v == 0.0),
                "{what}: nothing was recorded for {key:?}, yet it shows {figure}"
            );
        }
    }
}

fn row_id(global: &str) -> i64 {
    ids::decode("id", &ID::from(global))
        .unwrap_or_else(|e| panic!("{global} is not a global id: {e}"))
        .1
}

/// A service's key in the SERVICE dimension: its row id.
fn key_of(service: &str) -> String {
    row_id(service).to_string()
}

/// An organisation of `kind` based in `ward`, through the API.
async fn organisation(app: &TestApp, name: &str, kind: &str, ward: &str) -> String {
    let body = app
        .gql(
            &app.keys.admin,
            CREATE_ORGANISATION,
            json!({ "input": { "name": name, "kind": kind, "wardId": ward } }),
        )
        .await;
    id_of(data(&body), "createOrganisation")
}

/// A service for `needs`, through the API.
async fn service_for(
    app: &TestApp,
    organisation: &str,
    location: Option<&str>,
    name: &str,
    needs: &[&str],
) -> String {
    let body = app
        .gql(
            &app.keys.admin,
            CREATE_SERVICE,
            json!({ "input": { "organisationId": organisation, "locationId": location,
                               "name": name, "needs": needs } }),
        )
        .await;
    id_of(data(&body), "createService")
}

/// Places a week from `from`, through the API.
async fn places(app: &TestApp, service: &str, places_per_week: i32, from: NaiveDate) {
    let body = app
        .record_capacity(&app.keys.admin, service, places_per_week, Some(from))
        .await;
    data(&body);
}

/// A status in force from `from`. `confirmStatus` reports the status as of
/// today, so a spell in the past is written straight to the table, as the
/// seed writes a service's history.
async fn status_from(app: &TestApp, service: &str, status: &str, from: NaiveDate) {
    service_status::ActiveModel {
        service_id: Set(row_id(service)),
        status: Set(status.into()),
        valid_from: Set(from),
        confirmed_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(app.store.db())
    .await
    .unwrap_or_else(|e| panic!("cannot report {service} {status} from {from}: {e}"));
}

/// Three services of one organisation, based in the second ward: the
/// friendship group (two needs) and the knitting group at a hall in the
/// first ward, the befriending calls at no venue (so in the organisation's
/// ward).
struct Capacities {
    app: TestApp,
    friendship: String,
    calls: String,
    knitting: String,
}

/// Places a week and statuses:
/// - friendship group: 10 from 2026-01-01, 17 from 2026-03-12; paused
///   2026-03-20 to 2026-03-24, open again from 2026-03-25;
/// - befriending calls: 7 from 2026-03-16 (nothing before);
/// - knitting group: 4 from 2025-06-01; paused 2026-02-01 to 2026-02-09,
///   open from 2026-02-10, closed from 2026-03-27.
async fn capacities() -> Capacities {
    let app = spawn_app().await;
    let first = app.insert_ward("E05900101", "Ashgrove").await;
    let second = app.insert_ward("E05900102", "Birchfield").await;
    let org = organisation(&app, "Ashgrove Community Trust", "CIC", &second).await;
    let hall = app.create_location(&org, &first, "Ashgrove Hall").await;
    let friendship = service_for(
        &app,
        &org,
        Some(&hall),
        "Friendship Group",
        &["LONELINESS", "MENTAL_WELLBEING"],
    )
    .await;
    let calls = app.create_service(&org, None, "Befriending Calls").await;
    let knitting = app
        .create_service(&org, Some(&hall), "Knit and Natter")
        .await;
    places(&app, &friendship, 10, day("2026-01-01")).await;
    places(&app, &friendship, 17, day("2026-03-12")).await;
    places(&app, &calls, 7, day("2026-03-16")).await;
    places(&app, &knitting, 4, day("2025-06-01")).await;
    status_from(&app, &friendship, "paused", day("2026-03-20")).await;
    status_from(&app, &friendship, "open", day("2026-03-25")).await;
    status_from(&app, &knitting, "paused", day("2026-02-01")).await;
    status_from(&app, &knitting, "open", day("2026-02-10")).await;
    status_from(&app, &knitting, "closed", day("2026-03-27")).await;
    Capacities {
        app,
        friendship,
        calls,
        knitting,
    }
}

#[tokio::test]
async fn capacity_by_service_ward_and_need_is_the_daily_mean_of_places_in_force() {
    let c = capacities().await;
    let app = &c.app;
    // 2026-03-02 to 2026-03-29: 28 days.
    let (from, to) = (day("2026-03-02"), day("2026-03-30"));
    // Friendship group: 2–11 March, 10 days at 10; 12–19 March, 8 days at
    // 17; 20–24 March paused, 5 days at 0; 25–29 March, 5 days at 17.
    let friendship = (10.0 * 10.0 + 8.0 * 17.0 + 5.0 * 17.0) / 28.0;
    // Befriending calls: nothing until 16 March, then 14 days at 7.
    let calls = (14.0 * 7.0) / 28.0;
    // Knitting group: 2–26 March, 25 days at 4; closed from the 27th.
    let knitting = (25.0 * 4.0) / 28.0;

    let body = ask(
        app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES"], &["SERVICE"], from, to),
    )
    .await;
    assert_cells(
        &cells(&body, "CAPACITY_PLACES"),
        &[
            (key_of(&c.friendship), friendship),
            (key_of(&c.calls), calls),
            (key_of(&c.knitting), knitting),
        ],
        "places a week by service",
    );

    // Where the service is: the hall's ward for the two groups there, the
    // organisation's ward for the calls. 3.5 places is shown as it is:
    // places are not people.
    let body = ask(
        app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES"], &["WARD"], from, to),
    )
    .await;
    assert_cells(
        &cells(&body, "CAPACITY_PLACES"),
        &[
            ("E05900101".to_owned(), friendship + knitting),
            ("E05900102".to_owned(), calls),
        ],
        "places a week by ward",
    );

    // Filtered by two needs, a service that addresses both counts once.
    let mut by_needs = question(&["CAPACITY_PLACES"], &[], from, to);
    by_needs["filters"] =
        json!([{ "dimension": "NEED", "values": ["loneliness", "mental_wellbeing"] }]);
    let body = ask(app, &app.keys.researcher, by_needs).await;
    assert_cells(
        &cells(&body, "CAPACITY_PLACES"),
        &[(String::new(), friendship + calls + knitting)],
        "places a week for either need",
    );

    // A service with two needs counts under each.
    let body = ask(
        app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES"], &["NEED"], from, to),
    )
    .await;
    assert_cells(
        &cells(&body, "CAPACITY_PLACES"),
        &[
            ("loneliness".to_owned(), friendship + calls + knitting),
            ("mental_wellbeing".to_owned(), friendship),
        ],
        "places a week by need",
    );
}

#[tokio::test]
async fn capacity_by_month_is_each_months_own_mean_over_its_days_inside_the_window() {
    let c = capacities().await;
    let app = &c.app;
    // 2026-02-10 to 2026-04-04: 19 days of February, 31 of March, 4 of April.
    let (from, to) = (day("2026-02-10"), day("2026-04-05"));
    let body = ask(
        app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES"], &["MONTH"], from, to),
    )
    .await;
    let shown = cells(&body, "CAPACITY_PLACES");
    assert_eq!(
        shown.keys().map(String::as_str).collect::<Vec<_>>(),
        ["2026-02", "2026-03", "2026-04"],
        "the months that meet the window"
    );
    // February, 10th to 28th (19 days): friendship group 10; no calls yet;
    // knitting group open again from the 10th, 4. Over the whole month it
    // would be (28 × 10 + 19 × 4) ÷ 28, not 14.
    let february = (19.0 * 10.0 + 19.0 * 4.0) / 19.0;
    // March (31 days): friendship group 11 days at 10, 8 at 17, 5 paused
    // and 7 at 17; calls 16 days at 7; knitting group 26 days at 4.
    let march = ((11.0 * 10.0 + 8.0 * 17.0 + 7.0 * 17.0) + 16.0 * 7.0 + 26.0 * 4.0) / 31.0;
    // April, 1st to 4th: 17 and 7; the knitting group is closed.
    let april = (4.0 * 17.0 + 4.0 * 7.0) / 4.0;
    assert_figure(shown.get("2026-02"), february, "February");
    assert_figure(shown.get("2026-03"), march, "March");
    assert_figure(shown.get("2026-04"), april, "April");

    // With no time dimension, the mean over the whole window: the months'
    // means weighted by their days inside it.
    let body = ask(
        app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES"], &[], from, to),
    )
    .await;
    assert_figure(
        cells(&body, "CAPACITY_PLACES").get(""),
        (19.0 * february + 31.0 * march + 4.0 * april) / 54.0,
        "the whole window",
    );
}

/// `n` referrals received from `ward` today, sent to `service` by the link
/// worker and accepted there by the provider.
async fn accepted_at(app: &TestApp, ward: &str, service: &str, n: usize) {
    for _ in 0..n {
        let body = app
            .create_referral(&app.keys.link_worker, ward, json!({}))
            .await;
        let referral = data(&body)["createReferral"]["referral"]["id"]
            .as_str()
            .expect("a referral id")
            .to_owned();
        let sent = app
            .move_referral(
                &app.keys.link_worker,
                &referral,
                1,
                "SENT",
                json!({ "serviceId": service }),
            )
            .await;
        data(&sent);
        let accepted = app
            .move_referral(&app.keys.provider, &referral, 2, "ACCEPTED", json!({}))
            .await;
        assert_eq!(
            data(&accepted)["moveReferral"]["referral"]["state"],
            "ACCEPTED"
        );
    }
}

#[tokio::test]
async fn utilisation_is_rounded_acceptances_a_week_over_capacity_and_suppressed_for_a_few() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05900201", "Cotton Green").await;
    let org = app.provider_organisation_id.clone();
    let centre = app
        .create_location(&org, &ward, "Cotton Green Centre")
        .await;
    let walks = app
        .create_service(&org, Some(&centre), "Health Walks")
        .await;
    let lunch = app.create_service(&org, Some(&centre), "Lunch Club").await;
    let empty = app.create_service(&org, Some(&centre), "Book Swap").await;
    for service in [&walks, &lunch] {
        places(&app, service, 20, today() - Duration::days(60)).await;
    }
    accepted_at(&app, &ward, &walks, 12).await;
    accepted_at(&app, &ward, &lunch, 4).await;
    // The two weeks to today: 14 days.
    let (from, to) = (today() - Duration::days(13), today() + Duration::days(1));
    let weeks = 14.0 / 7.0;
    let q = question(&["UTILISATION"], &["SERVICE"], from, to);

    // 12 accepted at one service is shown as 10: 10 ÷ 2 weeks = 5 a week,
    // against 20 places a week (not 12 ÷ 2 ÷ 20 = 0.3).
    let body = ask(&app, &app.keys.researcher, for_service(q.clone(), &walks)).await;
    assert_figure(
        cells(&body, "UTILISATION").get(&key_of(&walks)),
        (10.0 / weeks) / 20.0,
        "the walks' utilisation",
    );

    // 4 accepted is suppressed, and so is the utilisation worked out from it.
    let body = ask(&app, &app.keys.researcher, for_service(q.clone(), &lunch)).await;
    let shown = cells(&body, "UTILISATION");
    let lunch_figure = &shown[&key_of(&lunch)];
    assert_eq!(lunch_figure["suppressed"], true, "{lunch_figure}");
    assert_eq!(lunch_figure["secondary"], false, "{lunch_figure}");
    assert!(lunch_figure["value"].is_null(), "{lunch_figure}");

    // No capacity of either kind: no figure, and nothing suppressed.
    let body = ask(&app, &app.keys.researcher, for_service(q, &empty)).await;
    let shown = cells(&body, "UTILISATION");
    let f = shown
        .get(&key_of(&empty))
        .unwrap_or_else(|| panic!("a cell for the service: {body}"));
    assert!(f["value"].is_null(), "{f}");
    assert_eq!(f["suppressed"], false, "{f}");

    // The whole of the data: the 16 acceptances rounded to 15 as anywhere,
    // 15 ÷ 2 weeks a week, against 20 + 20 places a week.
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["UTILISATION"], &[], from, to),
    )
    .await;
    assert_figure(
        cells(&body, "UTILISATION").get(""),
        (15.0 / weeks) / (20.0 + 20.0),
        "the whole of the data's utilisation",
    );
}

/// Hours of `kind` over `[start, end]`, through the API.
async fn contribution(
    app: &TestApp,
    organisation: &str,
    service: Option<&str>,
    kind: &str,
    hours: f64,
    (start, end): (&str, &str),
) {
    let body = app
        .gql(
            &app.keys.admin,
            RECORD_CONTRIBUTION,
            json!({ "input": { "organisationId": organisation, "serviceId": service, "kind": kind,
                               "hours": hours, "periodStart": start, "periodEnd": end } }),
        )
        .await;
    id_of(data(&body), "recordContribution");
}

#[tokio::test]
async fn contribution_hours_by_service_kind_and_ward_are_the_minutes_prorated_to_the_window() {
    let app = spawn_app().await;
    let first = app.insert_ward("E05900301", "Dockside").await;
    let second = app.insert_ward("E05900302", "Eastfield").await;
    let cic = organisation(&app, "Dockside Interpreters CIC", "CIC", &second).await;
    let faith = organisation(&app, "Eastfield Gurdwara", "FAITH_GROUP", &second).await;
    let office = app.create_location(&cic, &first, "Dockside Office").await;
    let interpreting = app
        .create_service(&cic, Some(&office), "Community Interpreting")
        .await;
    let service = Some(interpreting.as_str());
    // March 2026: 31 days.
    let (from, to) = (day("2026-03-01"), day("2026-04-01"));
    let recorded = [
        // 630 minutes, all of them in March.
        (
            &cic,
            service,
            "INTERPRETING",
            10.5,
            ("2026-03-01", "2026-03-31"),
        ),
        // 360 minutes over 20 days (20 February to 11 March), 11 in March.
        (
            &cic,
            service,
            "ACCOMPANYING",
            6.0,
            ("2026-02-20", "2026-03-11"),
        ),
        // The organisation's own: 60 minutes over 7 days (29 March to 4
        // April), 3 of them in March.
        (&cic, None, "ADVOCACY", 1.0, ("2026-03-29", "2026-04-04")),
        // 180 minutes, all in March; and 120 in April, none of them.
        (
            &faith,
            None,
            "INITIATING_REFERRALS",
            3.0,
            ("2026-03-10", "2026-03-12"),
        ),
        (&faith, None, "OTHER", 2.0, ("2026-04-01", "2026-04-30")),
    ];
    for (organisation, service, kind, hours, period) in recorded {
        contribution(&app, organisation, service, kind, hours, period).await;
    }

    let at_service = (630.0 + 360.0 * 11.0 / 20.0) / 60.0;
    let cic_own = (60.0 * 3.0 / 7.0) / 60.0;
    let faith_own = 180.0 / 60.0;

    let by = |dimension: &str| question(&["CONTRIBUTION_HOURS"], &[dimension], from, to);
    let body = ask(&app, &app.keys.researcher, by("SERVICE")).await;
    assert_cells(
        &cells(&body, "CONTRIBUTION_HOURS"),
        &[
            (key_of(&interpreting), at_service),
            // The organisations' own work, at no service.
            (String::new(), cic_own + faith_own),
        ],
        "hours by service",
    );

    let body = ask(&app, &app.keys.researcher, by("ORGANISATION_KIND")).await;
    assert_cells(
        &cells(&body, "CONTRIBUTION_HOURS"),
        &[
            ("cic".to_owned(), at_service + cic_own),
            ("faith_group".to_owned(), faith_own),
        ],
        "hours by organisation kind",
    );

    // All of it where the organisations are, as the dashboards place
    // uncommissioned work, though the interpreting service's venue is in
    // the other ward.
    let body = ask(&app, &app.keys.researcher, by("WARD")).await;
    let everything = at_service + cic_own + faith_own;
    assert_cells(
        &cells(&body, "CONTRIBUTION_HOURS"),
        &[("E05900302".to_owned(), everything)],
        "hours by ward",
    );
    let dashboards = app
        .gql(
            &app.keys.commissioner,
            "query ($period: WindowInput!, $ward: ID) {
                uncommissionedWorkTotal(period: $period, areaId: $ward) { hours } }",
            json!({ "period": { "from": from.to_string(), "to": to.to_string() }, "ward": second }),
        )
        .await;
    let hours = data(&dashboards)["uncommissionedWorkTotal"]["hours"]
        .as_f64()
        .expect("hours");
    assert!(
        (hours - everything).abs() < 1e-9,
        "the dashboards' {hours} hours for the ward"
    );
}

/// Writes an award straight to the table (awards are imported, and have no
/// mutation): a tariff of £50 a referral for a per-referral tariff.
async fn award(
    app: &TestApp,
    organisation: &str,
    service: Option<&str>,
    kind: &str,
    pence: i64,
    awarded: &str,
    planned: Option<(&str, &str)>,
) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    funding_award::ActiveModel {
        identifier: Set(format!("360G-TEST-{n:05}")),
        title: Set(format!("Test award {n}")),
        funder_name: Set("Test Funder".into()),
        recipient_organisation_id: Set(row_id(organisation)),
        service_id: Set(service.map(row_id)),
        kind: Set(kind.into()),
        amount_pence: Set(pence),
        tariff_pence: Set((kind == "per_referral_tariff").then_some(5_000)),
        currency: Set("GBP".into()),
        award_date: Set(day(awarded)),
        planned_start: Set(planned.map(|(start, _)| day(start))),
        planned_end: Set(planned.map(|(_, end)| day(end))),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(app.store.db())
    .await
    .unwrap_or_else(|e| panic!("cannot insert award {n}: {e}"));
}

/// A figure in pounds, to the penny.
fn assert_pounds(figure: Option<&Value>, pence: i64, what: &str) {
    assert_figure(figure, pence as f64 / 100.0, what);
}

#[tokio::test]
async fn funding_by_service_is_the_awards_prorated_to_the_window_in_pounds_without_tariffs() {
    let app = spawn_app().await;
    let ward = app.insert_ward("E05900401", "Fairfield").await;
    let org = organisation(&app, "Fairfield Neighbours", "CHARITY", &ward).await;
    let advice = app.create_service(&org, None, "Advice Surgery").await;
    let pantry = app.create_service(&org, None, "Community Pantry").await;
    // April to June 2026: 91 days.
    let (from, to) = (day("2026-04-01"), day("2026-07-01"));
    let (a, p) = (Some(advice.as_str()), Some(pantry.as_str()));
    let awards = [
        // £12,000 over 2026 (365 days), 91 of them in the window.
        (
            a,
            "grant",
            1_200_000,
            "2025-12-01",
            Some(("2026-01-01", "2026-12-31")),
        ),
        // £5,000 over 1 June to 30 July (60 days), 30 of them in the window.
        (
            a,
            "contract",
            500_000,
            "2026-05-15",
            Some(("2026-06-01", "2026-07-30")),
        ),
        // A tariff pays per referral started: not counted, whatever its amount.
        (
            a,
            "per_referral_tariff",
            1_000_000,
            "2025-12-01",
            Some(("2026-01-01", "2026-12-31")),
        ),
        // £730 in kind with no planned dates: 365 days from 1 May 2026, 61
        // of them in the window.
        (p, "in_kind", 73_000, "2026-05-01", None),
        // £10.01 over 30 June and 1 July, one day in the window: 500.5 pence.
        (
            p,
            "grant",
            1_001,
            "2026-06-01",
            Some(("2026-06-30", "2026-07-01")),
        ),
        // £3,650 to the whole organisation over a year from 1 April: 91 days.
        (
            None,
            "grant",
            365_000,
            "2026-03-01",
            Some(("2026-04-01", "2027-03-31")),
        ),
    ];
    for (service, kind, pence, awarded, planned) in awards {
        award(&app, &org, service, kind, pence, awarded, planned).await;
    }

    // 1,200,000 × 91 ÷ 365 = 299,178.08… and 500,000 × 30 ÷ 60 = 250,000:
    // 549,178.08… pence, £5,491.78.
    let advice_pence = 549_178;
    // 73,000 × 61 ÷ 365 = 12,200 and 1,001 × 1 ÷ 2 = 500.5: 12,700.5
    // pence, rounded half to even once, £127.00 (not £127.01).
    let pantry_pence = 12_700;
    // 365,000 × 91 ÷ 365 = 91,000 pence.
    let own_pence = 91_000;

    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["FUNDING"], &["SERVICE"], from, to),
    )
    .await;
    let shown = cells(&body, "FUNDING");
    assert_pounds(
        shown.get(&key_of(&advice)),
        advice_pence,
        "the advice surgery",
    );
    assert_pounds(shown.get(&key_of(&pantry)), pantry_pence, "the pantry");
    assert_pounds(shown.get(""), own_pence, "the organisation's own");
    assert_eq!(shown.len(), 3, "{shown:?}");

    // England: the exact sum, 652,878.58… pence, rounded once: £6,528.79,
    // a penny more than the services' figures added up.
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["FUNDING"], &[], from, to),
    )
    .await;
    assert_pounds(cells(&body, "FUNDING").get(""), 652_879, "England");
}

#[tokio::test]
async fn service_measures_mixed_with_referrals_or_broken_down_by_a_person_are_refused() {
    let app = spawn_app().await;
    let (from, to) = (today(), today() + Duration::days(1));
    let refused = [
        (
            question(&["CAPACITY_PLACES", "ACCEPTED"], &[], from, to),
            "measures",
        ),
        (
            question(&["CAPACITY_PLACES"], &["AGE_BAND"], from, to),
            "dimensions",
        ),
        (
            question(&["UTILISATION"], &["GATEWAY_KIND"], from, to),
            "dimensions",
        ),
        (question(&["FUNDING"], &["NEED"], from, to), "dimensions"),
        (
            question(&["CONTRIBUTION_HOURS"], &["NEED"], from, to),
            "dimensions",
        ),
        (
            json!({ "measures": ["CONTRIBUTION_HOURS"],
                    "filters": [{ "dimension": "GATEWAY_KIND", "values": ["social_prescribing"] }],
                    "window": { "from": from.to_string(), "to": to.to_string() } }),
            "filters",
        ),
    ];
    for (q, field) in refused {
        assert_bad_input(&ask(&app, &app.keys.researcher, q).await, field);
    }
    // Capacity and utilisation by the needs services address are fine.
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["CAPACITY_PLACES", "UTILISATION"], &["NEED"], from, to),
    )
    .await;
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn the_catalogue_says_which_measures_describe_services_and_under_which_rule() {
    let app = spawn_app().await;
    let body = app
        .gql(
            &app.keys.researcher,
            "{ analyticsCatalogue { measures { measure subject rule countsPeople unit }
                                    dimensions { dimension subjects } } }",
            json!({}),
        )
        .await;
    let measures: BTreeMap<String, Value> = data(&body)["analyticsCatalogue"]["measures"]
        .as_array()
        .expect("measures")
        .iter()
        .map(|m| {
            (
                m["measure"].as_str().expect("a measure").to_owned(),
                m.clone(),
            )
        })
        .collect();
    assert_eq!(measures.len(), 15, "{body}");
    for (measure, rule, unit) in [
        ("CAPACITY_PLACES", "NOT_PEOPLE", Some("places a week")),
        ("UTILISATION", "RATIO_OF_PEOPLE", None),
        ("CONTRIBUTION_HOURS", "NOT_PEOPLE", None),
        ("FUNDING", "NOT_PEOPLE", Some("£")),
    ] {
        let m = &measures[measure];
        assert_eq!(m["subject"], "SERVICES", "{m}");
        assert_eq!(m["rule"], rule, "{m}");
        if rule == "NOT_PEOPLE" {
            assert_eq!(m["countsPeople"], false, "{m}");
        }
        if let Some(unit) = unit {
            assert_eq!(m["unit"], unit, "{m}");
        }
    }
    for measure in COUNTS.into_iter().chain(["WAIT_MEDIAN", "WAIT_P90"]) {
        let m = &measures[measure];
        assert_eq!(m["subject"], "REFERRALS", "{m}");
        assert_eq!(m["countsPeople"], true, "{m}");
        let rule = if matches!(measure, "WAIT_MEDIAN" | "WAIT_P90") {
            "STATISTIC_OF_PEOPLE"
        } else {
            "COUNT_OF_PEOPLE"
        };
        assert_eq!(m["rule"], rule, "{m}");
    }
    // Each dimension says which kinds of measure it breaks down.
    let dimensions: BTreeMap<String, Value> = data(&body)["analyticsCatalogue"]["dimensions"]
        .as_array()
        .expect("dimensions")
        .iter()
        .map(|d| {
            (
                d["dimension"].as_str().expect("a dimension").to_owned(),
                d["subjects"].clone(),
            )
        })
        .collect();
    for both in [
        "MONTH",
        "WARD",
        "PCN",
        "NEED",
        "SERVICE",
        "ORGANISATION_KIND",
    ] {
        assert_eq!(dimensions[both], json!(["REFERRALS", "SERVICES"]), "{both}");
    }
    for people in [
        "AGE_BAND",
        "PREFERRED_LANGUAGE",
        "GATEWAY_KIND",
        "MISSING_CAPABILITY",
    ] {
        assert_eq!(dimensions[people], json!(["REFERRALS"]), "{people}");
    }
}
