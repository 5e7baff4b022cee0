//! The commissioner's measures: what the database computes equals what the
//! domain definitions compute from the raw rows, on SQLite and PostgreSQL.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, Utc};
use headroom::domain::codes::DeclineReason;
use headroom::domain::metrics::capacity::{capacity_days, CapacityVersion, StatusChange};
use headroom::domain::metrics::flow::{Event, History, Percentile};
use headroom::domain::metrics::Window;
use headroom::domain::referral::ReferralState;
use headroom::domain::status::ServiceStatus;
use headroom::store::entity::{
    capacity_version, location, organisation, referral, referral_event, service, service_status,
};
use headroom::store::metrics::{overview, GroupBy, OverviewQuery, OverviewRow, Reads};
use sea_orm::{EntityTrait, QueryOrder};

use crate::helpers::{spawn_demo_app, TestApp};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a valid date")
}

/// Every row of the tables the measures read, as the domain sees them.
struct Raw {
    services: Vec<i64>,
    /// Each service's ward: its location's, else its organisation's.
    wards: HashMap<i64, Option<i64>>,
    organisations: HashMap<i64, i64>,
    versions: HashMap<i64, Vec<CapacityVersion>>,
    statuses: HashMap<i64, Vec<(StatusChange, chrono::DateTime<Utc>)>>,
    histories: Vec<(i64, History)>,
}

async fn load(app: &TestApp) -> Raw {
    let db = app.store.db();
    let services = service::Entity::find().all(db).await.expect("services");
    let mut versions: HashMap<i64, Vec<CapacityVersion>> = HashMap::new();
    for v in capacity_version::Entity::find()
        .all(db)
        .await
        .expect("versions")
    {
        versions
            .entry(v.service_id)
            .or_default()
            .push(CapacityVersion {
                valid_from: v.valid_from,
                seq: v.id,
                places_per_week: v.places_per_week,
                caseload_max: v.caseload_max,
            });
    }
    let mut statuses: HashMap<i64, Vec<(StatusChange, chrono::DateTime<Utc>)>> = HashMap::new();
    for s in service_status::Entity::find()
        .all(db)
        .await
        .expect("statuses")
    {
        let status = ServiceStatus::parse(&s.status).expect("a known status");
        statuses.entry(s.service_id).or_default().push((
            StatusChange {
                valid_from: s.valid_from,
                seq: s.id,
                status,
            },
            s.confirmed_at,
        ));
    }
    let gateways: HashMap<i64, i64> = referral::Entity::find()
        .all(db)
        .await
        .expect("referrals")
        .into_iter()
        .map(|r| (r.id, r.gateway_id))
        .collect();
    let mut by_referral: BTreeMap<i64, History> = BTreeMap::new();
    let events = referral_event::Entity::find()
        .order_by_asc(referral_event::Column::OccurredAt)
        .order_by_asc(referral_event::Column::Id)
        .all(db)
        .await
        .expect("events");
    for e in events {
        by_referral
            .entry(e.referral_id)
            .or_default()
            .events
            .push(Event {
                on: e.occurred_on,
                to: ReferralState::parse(&e.to_state).expect("a known state"),
                service: e.service_id,
                reason: e.reason.as_deref().and_then(DeclineReason::parse),
            });
    }
    let locations: HashMap<i64, i64> = location::Entity::find()
        .all(db)
        .await
        .expect("locations")
        .into_iter()
        .map(|l| (l.id, l.ward_id))
        .collect();
    let org_wards: HashMap<i64, Option<i64>> = organisation::Entity::find()
        .all(db)
        .await
        .expect("organisations")
        .into_iter()
        .map(|o| (o.id, o.ward_id))
        .collect();
    let wards = services
        .iter()
        .map(|s| {
            let ward = s.location_id.and_then(|l| locations.get(&l).copied());
            (s.id, ward.or(org_wards[&s.organisation_id]))
        })
        .collect();
    Raw {
        wards,
        organisations: services.iter().map(|s| (s.id, s.organisation_id)).collect(),
        services: services.iter().map(|s| s.id).collect(),
        versions,
        statuses,
        histories: by_referral
            .into_iter()
            .map(|(id, h)| (gateways[&id], h))
            .collect(),
    }
}

/// The domain's answer, group by group (by service or by organisation).
fn reference(raw: &Raw, q: &OverviewQuery) -> BTreeMap<String, OverviewRow> {
    let w = &q.windows[0];
    let group = |s: i64| match q.group_by {
        GroupBy::Service => s.to_string(),
        GroupBy::Organisation => raw.organisations[&s].to_string(),
        other => panic!("no reference for {other:?}"),
    };
    let mut rows: BTreeMap<String, OverviewRow> = BTreeMap::new();
    let mut waits: HashMap<String, Vec<i64>> = HashMap::new();
    let mut scope = std::collections::HashSet::new();
    for &s in &raw.services {
        // An area filter in these tests is always a ward.
        if q.area_id.is_some_and(|ward| raw.wards[&s] != Some(ward)) {
            continue;
        }
        scope.insert(s);
        let versions = raw.versions.get(&s).cloned().unwrap_or_default();
        let statuses: Vec<StatusChange> = raw
            .statuses
            .get(&s)
            .map(|v| v.iter().map(|x| x.0).collect())
            .unwrap_or_default();
        let cap = capacity_days(&versions, &statuses, w);
        let now = raw.statuses.get(&s).and_then(|v| {
            v.iter()
                .filter(|x| x.0.valid_from <= q.today)
                .max_by_key(|x| (x.0.valid_from, x.0.seq))
        });
        let key = group(s);
        let row = rows.entry(key.clone()).or_insert_with(|| OverviewRow {
            bucket: 0,
            key,
            services: 0,
            place_days: 0,
            caseload_days: 0,
            stale_services: 0,
            oldest_confirmation: None,
            status: None,
            demand: 0,
            active_days: 0,
            waiting_days: 0,
            waiting_at_end: 0,
            answered: 0,
            declined_capacity: 0,
            declined_capability: 0,
            waits: 0,
            wait_median: None,
            wait_p90: None,
        });
        row.services += 1;
        row.place_days += cap.places_per_week;
        row.caseload_days += cap.caseload_max;
        row.stale_services += i64::from(now.is_none_or(|x| x.1 < q.stale_before));
        if let Some((change, confirmed)) = now {
            row.oldest_confirmation = Some(
                row.oldest_confirmation
                    .map_or(*confirmed, |o| o.min(*confirmed)),
            );
            let status = change.status.as_str().to_owned();
            row.status = Some(row.status.take().map_or(status.clone(), |o| o.max(status)));
        }
    }
    let in_scope = |s: &i64| scope.contains(s);
    for (gateway, h) in &raw.histories {
        if q.gateway_id.is_some_and(|g| g != *gateway) {
            continue;
        }
        // Only what happened before the window's end matters to it: an
        // episode or a wait that ends later runs to the window's end either way.
        let h = History {
            events: h.events.iter().copied().filter(|e| e.on < w.to()).collect(),
        };
        if let Some(e) = h.demand_event() {
            let s = e.service.expect("a service");
            if w.contains(e.on) && in_scope(&s) {
                at(&mut rows, group(s)).demand += 1;
            }
        }
        if let Some((s, from, to)) = h.active_interval().filter(|a| in_scope(&a.0)) {
            at(&mut rows, group(s)).active_days += w.overlap_days(from, to);
        }
        for (s, from, to) in h.waiting_intervals().into_iter().filter(|a| in_scope(&a.0)) {
            let row = at(&mut rows, group(s));
            row.waiting_days += w.overlap_days(from, to);
            if from <= w.last_day() && to.is_none_or(|t| t > w.last_day()) {
                row.waiting_at_end += 1;
            }
        }
        // A referral answered by several services of one group counts once.
        let answered: std::collections::BTreeSet<String> = h
            .answered_by(w)
            .into_iter()
            .filter(|s| in_scope(s))
            .map(group)
            .collect();
        for key in answered {
            at(&mut rows, key).answered += 1;
        }
        for s in h.declines(w, DeclineReason::Capacity) {
            if in_scope(&s) {
                at(&mut rows, group(s)).declined_capacity += 1;
            }
        }
        for s in h.declines(w, DeclineReason::Capability) {
            if in_scope(&s) {
                at(&mut rows, group(s)).declined_capability += 1;
            }
        }
        if let Some((s, started, days)) = h.wait() {
            if w.contains(started) && in_scope(&s) {
                waits.entry(group(s)).or_default().push(days);
            }
        }
    }
    for (key, mut list) in waits {
        list.sort_unstable();
        let row = rows.get_mut(&key).expect("a row");
        row.waits = list.len() as i64;
        row.wait_median = Percentile::Median.of(&list);
        row.wait_p90 = Percentile::P90.of(&list);
    }
    rows
}

fn at(rows: &mut BTreeMap<String, OverviewRow>, key: String) -> &mut OverviewRow {
    rows.get_mut(&key).expect("a row for every group in scope")
}

fn query(window: Window, gateway_id: Option<i64>) -> OverviewQuery {
    OverviewQuery {
        windows: vec![window],
        area_id: None,
        services: None,
        need: None,
        gateway_id,
        group_by: GroupBy::Service,
        today: as_of(),
        stale_before: (as_of() - Duration::days(30))
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc(),
        keyed: None,
        reads: Reads::All,
    }
}

async fn compare(app: &TestApp, raw: &Raw, q: &OverviewQuery) {
    let mut expected = BTreeMap::new();
    for (i, window) in q.windows.iter().enumerate() {
        let one = OverviewQuery {
            windows: vec![*window],
            ..q.clone()
        };
        for (key, mut row) in reference(raw, &one) {
            row.bucket = i as i64;
            expected.insert(format!("{i}/{key}"), row);
        }
    }
    let got: BTreeMap<String, OverviewRow> = overview(&app.store, q)
        .await
        .unwrap_or_else(|e| panic!("the overview query runs: {e:?}"))
        .into_iter()
        .map(|r| (format!("{}/{}", r.bucket, r.key), r))
        .collect();
    assert_eq!(got.len(), expected.len(), "one row per service and window");
    let mut differences = Vec::new();
    for (key, want) in &expected {
        let have = &got[key];
        if have != want {
            differences.push(format!(
                "service {key}:\n  database {have:?}\n  domain   {want:?}"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} services differ, e.g.\n{}",
        differences.len(),
        expected.len(),
        differences
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The data must exercise the measures, or equality proves little.
    let total = |f: fn(&OverviewRow) -> i64| expected.values().map(f).sum::<i64>();
    assert!(total(|r| r.demand) > 0 && total(|r| r.waiting_days) > 0);
    assert!(total(|r| r.declined_capacity) > 0 && total(|r| r.waits) > 0);
}

#[tokio::test]
async fn every_measure_in_the_database_equals_the_domain_definition() {
    let app = spawn_demo_app(as_of()).await;
    let raw = load(&app).await;
    let d = |s: &str| s.parse::<NaiveDate>().expect("a date");
    for (from, to) in [
        // The whole year, a quarter, and an odd span that cuts weeks.
        (as_of() - Duration::days(364), as_of() + Duration::days(1)),
        (d("2026-04-01"), d("2026-07-01")),
        (d("2026-02-10"), d("2026-03-07")),
    ] {
        let window = Window::parse(from, to).expect("a window");
        compare(&app, &raw, &query(window, None)).await;
    }
    let quarter = Window::parse(d("2026-04-01"), d("2026-07-01")).expect("a window");
    compare(&app, &raw, &query(quarter, Some(1))).await;
    // One ward: its services only, reached through the ward.
    let mut ward = query(quarter, None);
    ward.area_id = Some(5);
    compare(&app, &raw, &ward).await;
    // A trend: the same measures for each week of a quarter, in one statement.
    let mut weekly = query(quarter, None);
    weekly.windows = quarter.weeks_in();
    compare(&app, &raw, &weekly).await;
    // Organisations: a referral that several of an organisation's services
    // answered counts once among its answers.
    let mut organisations = query(quarter, None);
    organisations.group_by = GroupBy::Organisation;
    compare(&app, &raw, &organisations).await;
}

/// A scenario's baseline and a researcher's question about services read
/// fewer of the overview's sums: those they read are the dashboards' own,
/// and the rest read as zero rather than as something else.
#[tokio::test]
async fn a_narrower_read_of_the_overview_gives_the_same_figures_it_reads() {
    let app = spawn_demo_app(as_of()).await;
    let window = Window::parse(as_of() - Duration::days(364), as_of() + Duration::days(1))
        .expect("a window");
    let mut weekly = query(window, None);
    weekly.windows = Window::parse(as_of() - Duration::days(83), as_of() + Duration::days(1))
        .expect("a window")
        .weeks_in();
    for q in [query(window, None), weekly] {
        let all = overview(&app.store, &q).await.expect("the overview runs");
        let total =
            |rows: &[OverviewRow], f: fn(&OverviewRow) -> i64| rows.iter().map(f).sum::<i64>();
        assert!(total(&all, |r| r.waiting_days) > 0 && total(&all, |r| r.waiting_at_end) > 0);
        assert!(total(&all, |r| r.active_days) > 0 && total(&all, |r| r.answered) > 0);
        for reads in [Reads::LoadAndList, Reads::Load] {
            let got = overview(&app.store, &OverviewQuery { reads, ..q.clone() })
                .await
                .expect("the narrower overview runs");
            let want: Vec<OverviewRow> = all
                .iter()
                .cloned()
                .map(|mut r| {
                    (r.answered, r.declined_capacity, r.declined_capability) = (0, 0, 0);
                    (r.waits, r.wait_median, r.wait_p90) = (0, None, None);
                    if reads == Reads::Load {
                        (r.waiting_days, r.waiting_at_end) = (0, 0);
                    }
                    r
                })
                .collect();
            assert_eq!(got, want, "{reads:?}");
        }
    }
}

const OVERVIEW: &str =
    "query ($window: WindowInput!, $groupBy: OverviewGroupBy, $sort: OverviewSort,
                                $areaId: ID, $need: NeedCode, $first: Int, $after: String) {
    capacityOverview(window: $window, groupBy: $groupBy, sort: $sort, areaId: $areaId, need: $need,
                     first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        key label services capacity caseloadCapacity demand referralsAccepted activeCaseload
        waitingList waitingListAtEnd utilisation overCapacity headroom caseloadHeadroom
        waitMedianDays waitP90Days waitsCounted referralsAnswered declineRateCapacity
        declineRateCapability staleServices daysSinceOldestConfirmation status
        window { from to days weeks }
        service { name } area { kind name }
        capacityVersions { validFrom placesPerWeek caseloadMax }
      } }
    }
}";

fn year() -> serde_json::Value {
    serde_json::json!({ "from": "2025-11-24", "to": "2026-11-24" })
}

#[tokio::test]
async fn the_overview_puts_the_most_over_capacity_first_and_shows_its_working() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.commissioner,
            OVERVIEW,
            serde_json::json!({ "window": year(), "first": 100 }),
        )
        .await;
    let conn = &crate::helpers::data(&body)["capacityOverview"];
    assert_eq!(conn["totalCount"], 400, "one row per service");
    let rows: Vec<&serde_json::Value> = conn["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .collect();
    let first = rows[0];
    assert_eq!(first["overCapacity"], true, "{first}");
    assert!(
        first["headroom"].as_f64().expect("headroom") < 0.0
            || first["caseloadHeadroom"].as_f64().expect("k") < 0.0
    );
    assert_eq!(first["window"]["days"], 365);
    assert!(
        !first["capacityVersions"]
            .as_array()
            .expect("versions")
            .is_empty(),
        "{first}"
    );
    assert!(first["service"]["name"] == first["label"]);
    // Utilisation never rises down the list (no-capacity demand sorts first).
    let utilisation: Vec<f64> = rows
        .iter()
        .map(|r| r["utilisation"].as_f64().unwrap_or(f64::INFINITY))
        .collect();
    let sorted_until = rows
        .iter()
        .take_while(|r| r["overCapacity"] == true)
        .count();
    assert!(sorted_until > 0);
    assert!(
        utilisation
            .windows(2)
            .all(|p| p[0] >= p[1] || p[0].is_infinite()),
        "{utilisation:?}"
    );
    for r in &rows {
        let (c, d, h) = (
            r["capacity"].as_f64().unwrap(),
            r["demand"].as_f64().unwrap(),
            r["headroom"].as_f64().unwrap(),
        );
        assert!((c - d - h).abs() < 1e-9, "headroom = C − D: {r}");
        assert!(r["waitMedianDays"].as_i64() <= r["waitP90Days"].as_i64());
    }
}

#[tokio::test]
async fn groups_roll_up_their_services() {
    let app = spawn_demo_app(as_of()).await;
    let query =
        |group: &str| serde_json::json!({ "window": year(), "groupBy": group, "first": 100 });
    let by_service = app
        .gql(&app.keys.commissioner, OVERVIEW, query("SERVICE"))
        .await;
    let by_authority = app
        .gql(&app.keys.commissioner, OVERVIEW, query("LOCAL_AUTHORITY"))
        .await;
    let by_ward = app
        .gql(&app.keys.commissioner, OVERVIEW, query("WARD"))
        .await;
    let total_accepted = |body: &serde_json::Value| -> i64 {
        crate::helpers::data(body)["capacityOverview"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["referralsAccepted"].as_i64().expect("a count"))
            .sum()
    };
    let authority = &crate::helpers::data(&by_authority)["capacityOverview"]["edges"][0]["node"];
    assert_eq!(
        crate::helpers::data(&by_authority)["capacityOverview"]["totalCount"],
        1
    );
    assert_eq!(authority["label"], "Eastbrook");
    assert_eq!(authority["area"]["kind"], "LOCAL_AUTHORITY");
    assert_eq!(authority["services"], 400);
    assert_eq!(
        crate::helpers::data(&by_ward)["capacityOverview"]["totalCount"],
        20
    );
    assert_eq!(
        total_accepted(&by_ward),
        authority["referralsAccepted"].as_i64().expect("n")
    );
    // The first page of services holds only part of the demand; the
    // authority's row holds it all.
    assert!(total_accepted(&by_service) <= authority["referralsAccepted"].as_i64().expect("n"));
}

#[tokio::test]
async fn an_overview_pages_through_every_group_once() {
    let app = spawn_demo_app(as_of()).await;
    let nodes = app
        .all_nodes(
            &app.keys.commissioner,
            OVERVIEW,
            serde_json::json!({ "window": year(), "sort": "LONGEST_WAIT", "first": 100 }),
            "capacityOverview",
        )
        .await;
    let mut seen = std::collections::HashSet::new();
    for n in &nodes {
        assert!(
            seen.insert(n["key"].as_str().expect("key").to_owned()),
            "{n} twice"
        );
    }
    assert_eq!(seen.len(), 400);
}

#[tokio::test]
async fn a_window_that_ends_before_it_starts_is_refused() {
    let app = spawn_demo_app(as_of()).await;
    let body = app
        .gql(
            &app.keys.commissioner,
            OVERVIEW,
            serde_json::json!({ "window": { "from": "2026-06-01", "to": "2026-05-01" } }),
        )
        .await;
    crate::helpers::assert_bad_input(&body, "window.to");
}

#[tokio::test]
async fn a_trend_has_a_point_a_week_that_add_up_to_the_window() {
    let app = spawn_demo_app(as_of()).await;
    let window = serde_json::json!({ "from": "2026-04-01", "to": "2026-07-02" });
    let trend = app
        .gql(
            &app.keys.commissioner,
            "query ($window: WindowInput!) { capacityTrend(window: $window) {
                label referralsAccepted referralsAnswered waitingListAtEnd capacity window { from to days } } }",
            serde_json::json!({ "window": window }),
        )
        .await;
    let points = crate::helpers::data(&trend)["capacityTrend"]
        .as_array()
        .expect("points")
        .clone();
    assert_eq!(points.len(), 14, "92 days: thirteen weeks and a day");
    assert_eq!(points[13]["window"]["days"], 1);
    assert_eq!(points[0]["window"]["from"], "2026-04-01");
    assert_eq!(points[13]["window"]["to"], "2026-07-02");
    let whole = app
        .gql(
            &app.keys.commissioner,
            OVERVIEW,
            serde_json::json!({ "window": window, "groupBy": "ALL" }),
        )
        .await;
    let whole = &crate::helpers::data(&whole)["capacityOverview"]["edges"][0]["node"];
    let accepted: i64 = points
        .iter()
        .map(|p| p["referralsAccepted"].as_i64().expect("a count"))
        .sum();
    assert_eq!(
        accepted,
        whole["referralsAccepted"].as_i64().expect("a count")
    );
    assert_eq!(points[13]["waitingListAtEnd"], whole["waitingListAtEnd"]);
    // Capacity is a days-weighted mean: the weeks' means, weighted by their
    // days, give the window's.
    let weighted: f64 = points
        .iter()
        .map(|p| p["capacity"].as_f64().expect("C") * p["window"]["days"].as_f64().expect("days"))
        .sum::<f64>()
        / 92.0;
    assert!((weighted - whole["capacity"].as_f64().expect("C")).abs() < 1e-9);
}
