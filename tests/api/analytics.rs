//! Researchers' questions through HTTP: measures equal to a reference
//! counted from the events themselves, the small-number rules and
//! secondary suppression on data whose true counts are known, the cell
//! limit, the role boundary and the audit trail.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{
    assert_bad_input, assert_error, data, spawn_app, spawn_app_with, spawn_demo_app, today, TestApp,
};
use headroom::store::entity::{
    area, gateway, referral, referral_event, referral_flow, referral_need,
};

const ASK: &str = "query($q: AnalyticsQuestion!) { analytics(question: $q) {
  figures suppressed
  cells { keys { dimension value label } figures { measure value suppressed secondary } } } }";

fn demo_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a day")
}

/// The last six whole months before the demo's day.
fn window() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 5, 1).expect("a day"),
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("a day"),
    )
}

pub(crate) async fn ask(app: &TestApp, key: &str, question: Value) -> Value {
    app.gql(key, ASK, json!({ "q": question })).await
}

/// Cells as `(keys joined by '|', measure) → figure`.
pub(crate) fn figures(body: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for cell in data(body)["analytics"]["cells"].as_array().expect("cells") {
        let keys: Vec<&str> = cell["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|k| k["value"].as_str().expect("a key"))
            .collect();
        for f in cell["figures"].as_array().expect("figures") {
            out.insert(
                (
                    keys.join("|"),
                    f["measure"].as_str().expect("a measure").to_owned(),
                ),
                f.clone(),
            );
        }
    }
    out
}

fn in_window(day: NaiveDate) -> bool {
    let (from, to) = window();
    day >= from && day < to
}

fn month(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The Monday that starts `day`'s week, as the WEEK dimension names it.
fn week(day: NaiveDate) -> String {
    (day - Duration::days(i64::from(day.weekday().num_days_from_monday()))).to_string()
}

/// Counts each measure by period from the rows themselves: distinct
/// referrals per period with the event (or flow day) that defines it, on
/// the days `[from, to)`.
async fn reference_by(
    app: &TestApp,
    (from, to): (NaiveDate, NaiveDate),
    period: fn(NaiveDate) -> String,
) -> BTreeMap<(String, String), i64> {
    let db = app.store.db();
    let events = referral_event::Entity::find()
        .all(db)
        .await
        .expect("events");
    let flows = referral_flow::Entity::find().all(db).await.expect("flows");
    let mut sets: HashMap<(String, String), BTreeSet<i64>> = HashMap::new();
    let mut add = |measure: &str, day: Option<NaiveDate>, referral: i64| {
        if let Some(day) = day.filter(|d| *d >= from && *d < to) {
            sets.entry((period(day), measure.to_owned()))
                .or_default()
                .insert(referral);
        }
    };
    for e in &events {
        let measure = match (e.to_state.as_str(), e.reason.as_deref()) {
            ("received", _) => "REFERRALS",
            ("declined", Some("capacity")) => "DECLINED_FOR_CAPACITY",
            ("declined", Some("capability")) => "DECLINED_FOR_CAPABILITY",
            ("completed", _) => "COMPLETED",
            ("did_not_attend", _) => "DID_NOT_ATTEND",
            ("withdrawn", _) => "WITHDRAWN",
            _ => continue,
        };
        add(measure, Some(e.occurred_on), e.referral_id);
    }
    for f in &flows {
        add("ACCEPTED", f.demand_on, f.referral_id);
        add("WAIT_LISTED", f.waitlisted_on, f.referral_id);
        add("STARTED", f.started_on, f.referral_id);
    }
    sets.into_iter().map(|(k, v)| (k, v.len() as i64)).collect()
}

/// Each count in the reference is shown under the rules, the whole of
/// the data included: 0 as 0, 1–7 suppressed, the rest rounded to 5 (or
/// suppressed to protect another); and nothing is shown that the
/// reference does not count.
fn assert_counts_protected(
    shown: &BTreeMap<(String, String), Value>,
    expected: &BTreeMap<(String, String), i64>,
) {
    for ((p, measure), figure) in shown {
        let n = expected
            .get(&(p.clone(), measure.clone()))
            .copied()
            .unwrap_or(0);
        if figure["suppressed"] == true {
            assert!(figure["value"].is_null(), "{measure} in {p}: {figure}");
            if figure["secondary"] == false {
                assert!((1..=7).contains(&n), "{measure} in {p}: {n} suppressed");
            } else {
                assert!(n > 0, "{measure} in {p}: a zero is never suppressed");
            }
        } else {
            assert!(n == 0 || n > 7, "{measure} in {p}: {n} shown as {figure}");
            assert_eq!(
                figure["value"].as_f64(),
                Some(((n + 2) / 5 * 5) as f64),
                "{measure} in {p}: {n}"
            );
        }
    }
    for key in expected.keys() {
        assert!(shown.contains_key(key), "{key:?} is shown");
    }
}

/// The waits, in days, of the referrals started on the days `[from, to)`,
/// by the period of their start.
async fn waits_by(
    app: &TestApp,
    (from, to): (NaiveDate, NaiveDate),
    period: fn(NaiveDate) -> String,
) -> BTreeMap<String, Vec<i64>> {
    let mut waits: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for f in referral_flow::Entity::find()
        .all(app.store.db())
        .await
        .expect("flows")
    {
        if let (Some(waited_from), Some(started)) = (f.wait_from_on, f.started_on) {
            if started >= from && started < to {
                waits
                    .entry(period(started))
                    .or_default()
                    .push((started - waited_from).num_days());
            }
        }
    }
    waits
}

/// Each period's median and 90th percentile wait: the nearest rank over
/// the waits of the referrals started in it, suppressed over 1 to 7.
fn assert_waits_exact(
    shown: &BTreeMap<(String, String), Value>,
    waits: BTreeMap<String, Vec<i64>>,
) {
    for (p, mut w) in waits {
        w.sort_unstable();
        let rank = |q: f64| w[((q * w.len() as f64).ceil() as usize).clamp(1, w.len()) - 1];
        let median = &shown[&(p.clone(), "WAIT_MEDIAN".to_owned())];
        let p90 = &shown[&(p.clone(), "WAIT_P90".to_owned())];
        if w.len() <= 7 {
            assert_eq!(median["suppressed"], true, "median wait in {p} over {w:?}");
            assert_eq!(
                p90["suppressed"], true,
                "90th percentile wait in {p} over {w:?}"
            );
            continue;
        }
        assert_eq!(
            median["value"].as_f64(),
            Some(rank(0.5) as f64),
            "median wait in {p}"
        );
        assert_eq!(
            p90["value"].as_f64(),
            Some(rank(0.9) as f64),
            "90th percentile wait in {p}"
        );
    }
}

pub(crate) const COUNTS: [&str; 9] = [
    "REFERRALS",
    "ACCEPTED",
    "WAIT_LISTED",
    "DECLINED_FOR_CAPACITY",
    "DECLINED_FOR_CAPABILITY",
    "STARTED",
    "COMPLETED",
    "DID_NOT_ATTEND",
    "WITHDRAWN",
];

fn question(measures: &[&str], dimensions: &[&str]) -> Value {
    question_over(measures, dimensions, window())
}

fn question_over(
    measures: &[&str],
    dimensions: &[&str],
    (from, to): (NaiveDate, NaiveDate),
) -> Value {
    json!({ "measures": measures, "dimensions": dimensions,
            "window": { "from": from.to_string(), "to": to.to_string() } })
}

#[tokio::test]
async fn every_count_by_month_for_england_is_the_events_counted_one_by_one_and_protected() {
    let app = spawn_demo_app(demo_day()).await;
    let body = ask(&app, &app.keys.researcher, question(&COUNTS, &["MONTH"])).await;
    let expected = reference_by(&app, window(), month).await;
    assert_counts_protected(&figures(&body), &expected);
    assert!(
        expected.keys().any(|(_, m)| m == "DECLINED_FOR_CAPABILITY"),
        "the demo has declines for capability to count"
    );

    // Waits by month: nearest rank over the waits of referrals started.
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["WAIT_MEDIAN", "WAIT_P90"], &["MONTH"]),
    )
    .await;
    assert_waits_exact(&figures(&body), waits_by(&app, window(), month).await);
}

#[tokio::test]
async fn waits_filtered_by_every_need_count_each_start_once_though_a_referral_has_two_needs() {
    let app = spawn_demo_app(demo_day()).await;
    // Every referral has a need, so a filter listing every need keeps
    // every start: a referral with two needs must not weigh twice.
    let mut q = question(&["WAIT_MEDIAN", "WAIT_P90", "STARTED"], &["MONTH"]);
    let needs: Vec<&str> = headroom::domain::codes::Need::ALL
        .iter()
        .map(|n| n.as_str())
        .collect();
    q["filters"] = json!([{ "dimension": "NEED", "values": needs }]);
    let body = ask(&app, &app.keys.researcher, q).await;
    let shown = figures(&body);
    let waits = waits_by(&app, window(), month).await;
    assert!(!waits.is_empty(), "the demo has waits to rank");
    assert_waits_exact(&shown, waits);
}

#[tokio::test]
async fn every_count_by_week_for_england_is_the_events_counted_one_by_one_in_the_window_and_protected(
) {
    let app = spawn_demo_app(demo_day()).await;
    // From a Wednesday to (before) a Wednesday: the first and last weeks
    // are partly outside the window.
    let from = NaiveDate::from_ymd_opt(2026, 5, 6).expect("a day");
    let to = NaiveDate::from_ymd_opt(2026, 10, 28).expect("a day");
    assert_eq!((from.weekday(), to.weekday()), (Weekday::Wed, Weekday::Wed));
    let mondays: Vec<NaiveDate> = std::iter::successors(Some(from - Duration::days(2)), |m| {
        Some(*m + Duration::days(7))
    })
    .take_while(|m| *m < to)
    .collect();
    let keys: BTreeSet<String> = mondays.iter().map(NaiveDate::to_string).collect();

    let body = ask(
        &app,
        &app.keys.researcher,
        question_over(&COUNTS, &["WEEK"], (from, to)),
    )
    .await;
    let shown = figures(&body);
    let weeks: BTreeSet<String> = shown.keys().map(|(k, _)| k.clone()).collect();
    assert_eq!(weeks, keys, "a cell for each week meeting the window");
    assert_eq!(
        weeks.first(),
        Some(&"2026-05-04".to_owned()),
        "the first week starts on the Monday before the window"
    );
    // Each week counts its days inside the window only.
    let expected = reference_by(&app, (from, to), week).await;
    assert_counts_protected(&shown, &expected);
    // ...which differs from counting the first and last weeks whole.
    let whole = reference_by(
        &app,
        (mondays[0], mondays[mondays.len() - 1] + Duration::days(7)),
        week,
    )
    .await;
    for monday in [mondays[0], mondays[mondays.len() - 1]] {
        let monday = monday.to_string();
        assert!(
            COUNTS.iter().any(|m| {
                let k = (monday.clone(), (*m).to_owned());
                expected.get(&k) != whole.get(&k)
            }),
            "the demo has events in the week of {monday} outside the window"
        );
    }

    // Waits by week: nearest rank over the waits of referrals started.
    let body = ask(
        &app,
        &app.keys.researcher,
        question_over(&["WAIT_MEDIAN", "WAIT_P90"], &["WEEK"], (from, to)),
    )
    .await;
    let shown = figures(&body);
    assert!(
        shown.keys().all(|(k, _)| keys.contains(k)),
        "waits are by the weeks meeting the window"
    );
    assert_waits_exact(&shown, waits_by(&app, (from, to), week).await);
}

/// A referral received, with what the dimensions read of it.
struct Seen<'a> {
    referral: &'a referral::Model,
    needs: &'a [String],
    ward: &'a area::Model,
    authority: Option<&'a area::Model>,
    icb: Option<&'a area::Model>,
    gateway_kind: &'a str,
}

/// Where a referral falls in one dimension.
type KeyOf = Box<dyn Fn(&Seen) -> Vec<String>>;

/// True counts of referrals received by a dimension read from the rows.
async fn received_by(app: &TestApp, key: impl Fn(&Seen) -> Vec<String>) -> BTreeMap<String, i64> {
    let db = app.store.db();
    let referrals: HashMap<i64, referral::Model> = referral::Entity::find()
        .all(db)
        .await
        .expect("referrals")
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut needs: HashMap<i64, Vec<String>> = HashMap::new();
    for n in referral_need::Entity::find().all(db).await.expect("needs") {
        needs.entry(n.referral_id).or_default().push(n.need_code);
    }
    let areas: HashMap<i64, area::Model> = area::Entity::find()
        .all(db)
        .await
        .expect("areas")
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let gateways: HashMap<i64, String> = gateway::Entity::find()
        .all(db)
        .await
        .expect("gateways")
        .into_iter()
        .map(|g| (g.id, g.kind))
        .collect();
    let mut sets: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for e in referral_event::Entity::find()
        .all(db)
        .await
        .expect("events")
    {
        if e.to_state != "received" || !in_window(e.occurred_on) {
            continue;
        }
        let r = &referrals[&e.referral_id];
        let ward = &areas[&r.residence_ward_id];
        let authority = ward.parent_id.and_then(|id| areas.get(&id));
        let seen = Seen {
            referral: r,
            needs: needs.get(&r.id).map_or(&[][..], Vec::as_slice),
            ward,
            authority,
            icb: authority
                .and_then(|a| a.parent_id)
                .and_then(|id| areas.get(&id)),
            gateway_kind: &gateways[&r.gateway_id],
        };
        for k in key(&seen) {
            sets.entry(k).or_default().insert(r.id);
        }
    }
    sets.into_iter().map(|(k, v)| (k, v.len() as i64)).collect()
}

/// A shown figure is the true count under the rules: 0 as 0, 1–7
/// suppressed, the rest rounded to 5 (or suppressed to protect another).
fn assert_protected(
    dimension: &str,
    shown: &BTreeMap<(String, String), Value>,
    truth: &BTreeMap<String, i64>,
) {
    let keys: BTreeSet<&String> = shown.keys().map(|(k, _)| k).collect();
    let nonzero: BTreeSet<&String> = truth
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        keys, nonzero,
        "{dimension}: the cells are those with referrals"
    );
    for ((key, _), figure) in shown {
        let n = truth[key];
        if figure["suppressed"] == true {
            if figure["secondary"] == false {
                assert!((1..=7).contains(&n), "{dimension} {key}: {n} suppressed");
            }
            assert!(
                figure["value"].is_null(),
                "a suppressed figure has no value"
            );
        } else {
            let rounded = ((n + 2) / 5 * 5) as f64;
            assert!(n == 0 || n > 7, "{dimension} {key}: {n} shown");
            assert_eq!(
                figure["value"].as_f64(),
                Some(rounded),
                "{dimension} {key}: {n}"
            );
        }
    }
}

#[tokio::test]
async fn breakdowns_below_england_show_the_true_counts_rounded_and_suppressed() {
    let app = spawn_demo_app(demo_day()).await;
    let code = |a: Option<&area::Model>| vec![a.map_or(String::new(), |a| a.code.clone())];
    let cases: [(&str, KeyOf); 7] = [
        ("NEED", Box::new(|s| s.needs.to_vec())),
        ("AGE_BAND", Box::new(|s| vec![s.referral.age_band.clone()])),
        ("WARD", Box::new(|s| vec![s.ward.code.clone()])),
        ("LOCAL_AUTHORITY", Box::new(move |s| code(s.authority))),
        ("ICB", Box::new(move |s| code(s.icb))),
        (
            "GATEWAY_KIND",
            Box::new(|s| vec![s.gateway_kind.to_owned()]),
        ),
        (
            "PREFERRED_LANGUAGE",
            Box::new(|s| {
                vec![s
                    .referral
                    .preferred_language
                    .clone()
                    .unwrap_or_else(|| "en".into())]
            }),
        ),
    ];
    for (dimension, key) in cases {
        let body = ask(
            &app,
            &app.keys.researcher,
            question(&["REFERRALS"], &[dimension]),
        )
        .await;
        assert_protected(dimension, &figures(&body), &received_by(&app, key).await);
    }
}

/// `n` referrals received today from `ward`, for loneliness.
async fn referrals_from(app: &TestApp, ward: &str, n: usize) {
    for _ in 0..n {
        let body = app
            .create_referral(&app.keys.link_worker, ward, json!({}))
            .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
}

/// Today's referrals by `dimensions`, asked by the researcher.
async fn referrals_today_by(app: &TestApp, dimensions: Value) -> Value {
    ask(
        app,
        &app.keys.researcher,
        json!({ "measures": ["REFERRALS"], "dimensions": dimensions, "window": today_window() }),
    )
    .await
}

fn today_window() -> Value {
    json!({ "from": today().to_string(), "to": (today() + Duration::days(1)).to_string() })
}

#[tokio::test]
async fn declines_by_missing_capability_and_referrals_by_pcn_follow_the_rows() {
    use headroom::store::entity::{gp_practice, pcn};
    let app = spawn_demo_app(demo_day()).await;
    let db = app.store.db();
    let mut missing: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for e in referral_event::Entity::find()
        .all(db)
        .await
        .expect("events")
    {
        if e.to_state == "declined"
            && e.reason.as_deref() == Some("capability")
            && in_window(e.occurred_on)
        {
            let key = match (&e.capability_kind, &e.capability_code) {
                (Some(kind), Some(code)) => format!("{kind}:{code}"),
                _ => String::new(),
            };
            missing.entry(key).or_default().insert(e.referral_id);
        }
    }
    let truth: BTreeMap<String, i64> = missing
        .into_iter()
        .map(|(k, v)| (k, v.len() as i64))
        .collect();
    assert!(
        truth.keys().any(|k| k.starts_with("language:")),
        "{truth:?}"
    );
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["DECLINED_FOR_CAPABILITY"], &["MISSING_CAPABILITY"]),
    )
    .await;
    assert_protected("MISSING_CAPABILITY", &figures(&body), &truth);

    // A ward's PCN: the lowest-numbered PCN of its GP practices.
    let codes: HashMap<i64, String> = pcn::Entity::find()
        .all(db)
        .await
        .expect("PCNs")
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let mut ward_pcn: HashMap<i64, i64> = HashMap::new();
    for g in gp_practice::Entity::find()
        .all(db)
        .await
        .expect("practices")
    {
        let id = ward_pcn.entry(g.ward_id).or_insert(g.pcn_id);
        *id = (*id).min(g.pcn_id);
    }
    let truth = received_by(&app, |s| {
        vec![ward_pcn
            .get(&s.ward.id)
            .map_or(String::new(), |id| codes[id].clone())]
    })
    .await;
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["REFERRALS"], &["PCN"]),
    )
    .await;
    assert_protected("PCN", &figures(&body), &truth);
}

#[tokio::test]
async fn acceptances_by_service_organisation_kind_and_quarter_follow_the_flows() {
    use headroom::store::entity::{organisation, service};
    let app = spawn_demo_app(demo_day()).await;
    let db = app.store.db();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .all(db)
        .await
        .expect("services")
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let kinds: HashMap<i64, String> = organisation::Entity::find()
        .all(db)
        .await
        .expect("organisations")
        .into_iter()
        .map(|o| (o.id, o.kind))
        .collect();
    let quarter = |d: NaiveDate| {
        use chrono::Datelike;
        format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
    };
    let mut by_service: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    let mut by_quarter: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for f in referral_flow::Entity::find().all(db).await.expect("flows") {
        let Some(day) = f.demand_on.filter(|d| in_window(*d)) else {
            continue;
        };
        let kind = kinds[&services[&f.service_id].organisation_id].clone();
        by_service
            .entry(f.service_id.to_string())
            .or_default()
            .insert(f.referral_id);
        by_kind.entry(kind).or_default().insert(f.referral_id);
        by_quarter
            .entry(quarter(day))
            .or_default()
            .insert(f.referral_id);
    }
    let counts = |sets: BTreeMap<String, BTreeSet<i64>>| -> BTreeMap<String, i64> {
        sets.into_iter().map(|(k, v)| (k, v.len() as i64)).collect()
    };
    for (dimension, truth) in [
        ("SERVICE", counts(by_service)),
        ("ORGANISATION_KIND", counts(by_kind)),
    ] {
        let body = ask(
            &app,
            &app.keys.researcher,
            question(&["ACCEPTED"], &[dimension]),
        )
        .await;
        assert_protected(dimension, &figures(&body), &truth);
    }
    // By quarter alone is the whole of the data: protected alike.
    let body = ask(
        &app,
        &app.keys.researcher,
        question(&["ACCEPTED"], &["QUARTER"]),
    )
    .await;
    assert_protected("QUARTER", &figures(&body), &counts(by_quarter));
}

/// Three wards with one referral each: by ward, three suppressed cells.
/// Were the whole of the data's total shown exactly (3), each would be 1;
/// it is suppressed too, by day, by week and with no breakdown at all.
#[tokio::test]
async fn the_whole_of_the_data_is_protected_so_no_exact_total_pins_the_cells_under_it() {
    let app = spawn_app().await;
    for (code, name) in [
        ("E05900021", "Gorton"),
        ("E05900022", "Hulme"),
        ("E05900023", "Irlam"),
    ] {
        let ward = app.insert_ward(code, name).await;
        referrals_from(&app, &ward, 1).await;
    }
    let by_ward = referrals_today_by(&app, json!(["WARD"])).await;
    let shown = figures(&by_ward);
    assert_eq!(shown.len(), 3, "{by_ward}");
    assert!(shown
        .values()
        .all(|f| f["suppressed"] == true && f["value"].is_null()));

    for dimensions in [json!([]), json!(["WEEK"]), json!(["MONTH"])] {
        let whole = referrals_today_by(&app, dimensions).await;
        let f = &data(&whole)["analytics"]["cells"][0]["figures"][0];
        assert_eq!(
            f["suppressed"], true,
            "the total of 3 is suppressed: {whole}"
        );
        assert!(f["value"].is_null(), "{whole}");
    }
}

#[tokio::test]
async fn a_lone_small_count_takes_another_with_it_so_no_total_gives_it_away() {
    let app = spawn_app().await;
    let a = app.insert_ward("E05900001", "Ashby").await;
    let b = app.insert_ward("E05900002", "Bexley").await;
    let c = app.insert_ward("E05900003", "Carlton").await;
    referrals_from(&app, &a, 3).await;
    referrals_from(&app, &b, 12).await;
    referrals_from(&app, &c, 31).await;
    let by_ward = referrals_today_by(&app, json!(["WARD"])).await;
    let shown = figures(&by_ward);
    let figure = |ward: &str| shown[&(ward.to_owned(), "REFERRALS".to_owned())].clone();
    assert_eq!(figure("E05900001")["suppressed"], true, "3 is suppressed");
    assert_eq!(figure("E05900001")["secondary"], false);
    assert_eq!(figure("E05900002")["suppressed"], true, "12 goes with it");
    assert_eq!(figure("E05900002")["secondary"], true);
    assert_eq!(figure("E05900003")["value"], 30.0, "31 is rounded to 30");
    assert_eq!(data(&by_ward)["analytics"]["suppressed"], 2);

    // The authority's total is shown (46 → 45), but less the one ward
    // shown it leaves 15 for two wards: neither is given away.
    let total = referrals_today_by(&app, json!(["LOCAL_AUTHORITY"])).await;
    let cells = &data(&total)["analytics"]["cells"];
    assert_eq!(cells[0]["figures"][0]["value"], 45.0, "{total}");
    // So is the whole of the data's, rounded alike (never exactly 46).
    let whole = referrals_today_by(&app, json!([])).await;
    assert_eq!(
        data(&whole)["analytics"]["cells"][0]["figures"][0]["value"],
        45.0,
        "{whole}"
    );

    // Filtered to one ward, the same figure: suppressed, never zero.
    let one = ask(
        &app,
        &app.keys.researcher,
        json!({ "measures": ["REFERRALS"], "filters": [{ "dimension": "WARD", "values": ["E05900001"] }],
                "window": today_window() }),
    )
    .await;
    let f = &data(&one)["analytics"]["cells"][0]["figures"][0];
    assert_eq!(f["suppressed"], true, "{one}");
    assert!(f["value"].is_null());
}

#[tokio::test]
async fn a_question_past_the_cell_limit_is_refused_and_every_question_is_audited() {
    let app = spawn_app_with(|s| s.max_analytics_figures = 2).await;
    for (code, name) in [
        ("E05900011", "Dale"),
        ("E05900012", "Eaton"),
        ("E05900013", "Fenby"),
    ] {
        let ward = app.insert_ward(code, name).await;
        referrals_from(&app, &ward, 1).await;
    }
    let wide =
        json!({ "measures": ["REFERRALS"], "dimensions": ["WARD"], "window": today_window() });
    let body = ask(&app, &app.keys.researcher, wide).await;
    assert_error(&body, "TOO_MANY_CELLS");
    let narrow = json!({ "measures": ["REFERRALS", "ACCEPTED"], "window": today_window() });
    let body = ask(&app, &app.keys.commissioner, narrow).await;
    assert!(body.get("errors").is_none(), "{body}");
    // A question that cannot be read, and one from a role that may not
    // ask, are refused and recorded all the same.
    let twice = json!({ "measures": ["REFERRALS"], "dimensions": ["WARD", "WARD"], "window": today_window() });
    assert_error(
        &ask(&app, &app.keys.researcher, twice).await,
        "BAD_USER_INPUT",
    );
    let provider = json!({ "measures": ["REFERRALS"], "window": today_window() });
    assert_error(&ask(&app, &app.keys.provider, provider).await, "FORBIDDEN");

    let audit = "{ analyticsAudit(first: 10) { totalCount nodes { keyId channel cells figures suppressed refused question } } }";
    assert_error(
        &app.gql(&app.keys.researcher, audit, json!({})).await,
        "FORBIDDEN",
    );
    let trail = app.gql(&app.keys.admin, audit, json!({})).await;
    let lines = &data(&trail)["analyticsAudit"];
    assert_eq!(lines["totalCount"], 4, "{trail}");
    assert_eq!(lines["nodes"][0]["refused"], "TOO_MANY_CELLS");
    assert_eq!(lines["nodes"][0]["figures"], 0);
    assert!(lines["nodes"][0]["question"]
        .as_str()
        .unwrap_or("")
        .contains("ward"));
    assert_eq!(lines["nodes"][1]["refused"], Value::Null);
    assert_eq!(lines["nodes"][1]["cells"], 1);
    assert_eq!(lines["nodes"][1]["figures"], 2);
    assert_eq!(lines["nodes"][1]["channel"], "graphql");
    assert_eq!(lines["nodes"][2]["refused"], "BAD_USER_INPUT");
    assert!(
        lines["nodes"][2]["question"]
            .as_str()
            .unwrap_or("")
            .contains("WARD"),
        "the question as it was sent: {trail}"
    );
    assert_eq!(lines["nodes"][3]["refused"], "FORBIDDEN");
    assert_ne!(lines["nodes"][3]["keyId"], lines["nodes"][2]["keyId"]);
}

#[tokio::test]
async fn only_researchers_commissioners_and_admins_ask_and_bad_questions_name_their_field() {
    let app = spawn_app().await;
    // About referrals or about services, the same roles ask.
    for measure in ["REFERRALS", "CAPACITY_PLACES"] {
        let q = json!({ "measures": [measure], "window": today_window() });
        for key in [&app.keys.provider, &app.keys.link_worker] {
            assert_error(&ask(&app, key, q.clone()).await, "FORBIDDEN");
        }
        for key in [
            &app.keys.researcher,
            &app.keys.commissioner,
            &app.keys.admin,
        ] {
            let body = ask(&app, key, q.clone()).await;
            assert!(body.get("errors").is_none(), "{body}");
        }
    }
    let four = json!({ "measures": ["REFERRALS"], "dimensions": ["MONTH", "WARD", "NEED", "AGE_BAND"],
                       "window": today_window() });
    assert_bad_input(&ask(&app, &app.keys.researcher, four).await, "dimensions");
    let unknown = json!({ "measures": ["REFERRALS"], "filters": [{ "dimension": "AGE_BAND", "values": ["65-74"] }],
                          "window": today_window() });
    assert_bad_input(&ask(&app, &app.keys.researcher, unknown).await, "filters");
    let catalogue = app
        .gql(
            &app.keys.researcher,
            "{ analyticsCatalogue { measures { measure countsPeople rule } dimensions { dimension } rules } }",
            json!({}),
        )
        .await;
    let c = &data(&catalogue)["analyticsCatalogue"];
    assert_eq!(c["measures"].as_array().map(Vec::len), Some(15));
    assert_eq!(c["dimensions"].as_array().map(Vec::len), Some(14));
    assert!(c["rules"][0].as_str().unwrap_or("").contains("1 to 7"));
}

async fn export(app: &TestApp, key: Option<&str>, format: &str, query: &str) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/export/analytics.{format}?{query}", app.address));
    if let Some(key) = key {
        request = request.header("Authorization", format!("Bearer {key}"));
    }
    request.send().await.expect("an answer")
}

/// Rows as `(keys joined by '|', measure) → (value, suppressed)`.
type Rows = BTreeMap<(String, String), (Option<f64>, bool)>;

fn rows_of_graphql(body: &Value) -> Rows {
    figures(body)
        .into_iter()
        .map(|((k, m), f)| {
            (
                (k, m.to_lowercase()),
                (f["value"].as_f64(), f["suppressed"] == true),
            )
        })
        .collect()
}

fn rows_of_csv(text: &str, dimensions: usize) -> Rows {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let mut out = Rows::new();
    for record in reader.records() {
        let fields = record.expect("a CSV record");
        let keys: Vec<&str> = (0..dimensions).map(|d| &fields[2 * d]).collect();
        let mut i = 2 * dimensions;
        while i < header.len() {
            let value = (!fields[i].is_empty()).then(|| fields[i].parse().expect("a number"));
            out.insert(
                (keys.join("|"), header[i].clone()),
                (value, &fields[i + 1] == "true"),
            );
            i += 2;
        }
    }
    out
}

fn rows_of_parquet(path: &std::path::Path, dimensions: usize) -> Rows {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let file = std::fs::File::open(path).expect("the Parquet file");
    let reader = SerializedFileReader::new(file).expect("a Parquet file");
    let mut out = Rows::new();
    for row in reader.get_row_iter(None).expect("rows") {
        let row = row.expect("a row");
        let fields: Vec<(String, Field)> = row
            .get_column_iter()
            .map(|(n, f)| (n.clone(), f.clone()))
            .collect();
        let keys: Vec<String> = (0..dimensions)
            .map(|d| match &fields[2 * d].1 {
                Field::Str(s) => s.clone(),
                other => panic!("a key is text, not {other:?}"),
            })
            .collect();
        let mut i = 2 * dimensions;
        while i < fields.len() {
            let value = match &fields[i].1 {
                Field::Double(v) => Some(v),
                Field::Null => None,
                other => panic!("a figure is a double or null, not {other:?}"),
            };
            let suppressed = matches!(fields[i + 1].1, Field::Bool(true));
            out.insert(
                (keys.join("|"), fields[i].0.clone()),
                (value.copied(), suppressed),
            );
            i += 2;
        }
    }
    out
}

#[tokio::test]
async fn the_csv_and_parquet_exports_hold_the_graphql_answer() {
    let app = spawn_demo_app(demo_day()).await;
    let (from, to) = window();
    let query = format!(
        "measures=referrals,declined_for_capability,wait_median&dimensions=month,need&from={from}&to={to}&filter.age_band=65_74,75_84,85_plus"
    );
    let graphql = ask(
        &app,
        &app.keys.researcher,
        json!({ "measures": ["REFERRALS", "DECLINED_FOR_CAPABILITY", "WAIT_MEDIAN"],
                "dimensions": ["MONTH", "NEED"],
                "filters": [{ "dimension": "AGE_BAND", "values": ["65_74", "75_84", "85_plus"] }],
                "window": { "from": from.to_string(), "to": to.to_string() } }),
    )
    .await;
    let expected = rows_of_graphql(&graphql);
    assert!(
        expected.values().any(|(_, s)| *s),
        "the answer has suppressed figures to carry"
    );

    let csv = export(&app, Some(&app.keys.researcher), "csv", &query).await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/csv")));
    let csv_text = csv.text().await.expect("a body");
    assert_eq!(rows_of_csv(&csv_text, 2), expected);

    let parquet = export(&app, Some(&app.keys.researcher), "parquet", &query).await;
    assert_eq!(parquet.status(), 200);
    let bytes = parquet.bytes().await.expect("a body").to_vec();
    assert_eq!(&bytes[..4], b"PAR1");
    // Kept, with the CSV and the GraphQL answer, for `.ci/run`, which
    // reads them again with pyarrow.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/exports");
    std::fs::create_dir_all(&dir).expect("a folder for exports");
    std::fs::write(dir.join("analytics.parquet"), &bytes).expect("saved");
    assert_eq!(rows_of_parquet(&dir.join("analytics.parquet"), 2), expected);
    std::fs::write(dir.join("analytics.csv"), &csv_text).expect("saved");
    std::fs::write(dir.join("analytics.json"), graphql.to_string()).expect("saved");
}

#[tokio::test]
async fn an_export_refuses_as_graphql_does_with_its_code() {
    let app = spawn_app().await;
    let query = format!(
        "measures=referrals&from={}&to={}",
        today(),
        today() + Duration::days(1)
    );
    let code = |body: Value| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_owned)
    };
    let none = export(&app, None, "csv", &query).await;
    assert_eq!(none.status(), 401);
    assert_eq!(
        code(none.json().await.expect("JSON")).as_deref(),
        Some("UNAUTHENTICATED")
    );
    let provider = export(&app, Some(&app.keys.provider), "parquet", &query).await;
    assert_eq!(provider.status(), 403);
    let bad = export(
        &app,
        Some(&app.keys.researcher),
        "csv",
        "measures=people&from=2026-01-01&to=2026-02-01",
    )
    .await;
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.expect("JSON");
    assert_eq!(code(body.clone()).as_deref(), Some("BAD_USER_INPUT"));
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("measures"),
        "{body}"
    );
    let ok = export(&app, Some(&app.keys.researcher), "csv", &query).await;
    assert_eq!(ok.status(), 200);
    let audit = app
        .gql(
            &app.keys.admin,
            "{ analyticsAudit { nodes { channel refused } } }",
            json!({}),
        )
        .await;
    let lines: Vec<(&str, Option<&str>)> = data(&audit)["analyticsAudit"]["nodes"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["channel"].as_str().unwrap_or(""), l["refused"].as_str()))
        .collect();
    // Every export with a key is recorded, refused or answered; the one
    // with no key names nobody and is not.
    assert_eq!(
        lines,
        vec![
            ("parquet", Some("FORBIDDEN")),
            ("csv", Some("BAD_USER_INPUT")),
            ("csv", None)
        ],
        "{audit}"
    );
}
