//! Funding gaps through the API equal the domain definitions computed from
//! the raw awards and events, on SQLite and PostgreSQL.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use headroom::domain::metrics::funding::{award_period, prorated, FundingGap};
use headroom::domain::metrics::Window;
use headroom::store::entity::{funding_award, referral_event, service};
use num_rational::BigRational;
use num_traits::Zero;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{spawn_demo_app, TestApp};

#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    Service,
    Organisation,
    Authority,
}

/// (started, cost, tariffs, funding, gap) per key, from the raw rows.
async fn reference(
    app: &TestApp,
    period: Window,
    by: By,
) -> BTreeMap<String, (i64, i64, i64, i64, i64)> {
    let db = app.store.db();
    let services: HashMap<i64, service::Model> = service::Entity::find()
        .all(db)
        .await
        .expect("services")
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let starts: Vec<(i64, NaiveDate)> = referral_event::Entity::find()
        .filter(referral_event::Column::ToState.eq("started"))
        .all(db)
        .await
        .expect("events")
        .into_iter()
        .filter_map(|e| Some((e.service_id?, e.occurred_on)))
        .collect();
    let key_of_service = |s: &service::Model| match by {
        By::Service => s.id.to_string(),
        By::Organisation => s.organisation_id.to_string(),
        By::Authority => "2".to_owned(),
    };
    let mut out: BTreeMap<String, (i64, i64, i64, BigRational)> = BTreeMap::new();
    for (service_id, day) in &starts {
        if period.contains(*day) {
            let s = &services[service_id];
            let row = out
                .entry(key_of_service(s))
                .or_insert((0, 0, 0, BigRational::zero()));
            row.0 += 1;
            row.1 += s.unit_cost_pence.unwrap_or(0);
        }
    }
    for a in funding_award::Entity::find().all(db).await.expect("awards") {
        let key = match (by, a.service_id) {
            (By::Service, None) => continue,
            (By::Service, Some(s)) => s.to_string(),
            (By::Organisation, _) => a.recipient_organisation_id.to_string(),
            (By::Authority, _) => "2".to_owned(),
        };
        let p = award_period(a.award_date, a.planned_start, a.planned_end);
        let row = out.entry(key).or_insert((0, 0, 0, BigRational::zero()));
        if a.kind == "per_referral_tariff" {
            let Some(tariff) = a.tariff_pence else {
                continue;
            };
            let paid = starts
                .iter()
                .filter(|(s, day)| {
                    let ours = match a.service_id {
                        Some(svc) => *s == svc,
                        None => services[s].organisation_id == a.recipient_organisation_id,
                    };
                    ours && period.contains(*day) && p.contains(*day)
                })
                .count() as i64;
            row.2 += tariff * paid;
        } else {
            row.3 += prorated(a.amount_pence, &p, &period);
        }
    }
    out.into_iter()
        .map(|(k, (started, cost, tariffs, pro))| {
            let gap = FundingGap::of(cost, &pro, tariffs);
            (
                k,
                (started, cost, tariffs, gap.funding_pence, gap.gap_pence),
            )
        })
        .collect()
}

async fn from_api(
    app: &TestApp,
    period: &Value,
    by: &str,
) -> BTreeMap<String, (i64, i64, i64, i64, i64)> {
    let nodes = app
        .all_nodes(
            &app.keys.commissioner,
            "query ($period: WindowInput!, $by: FundingGroupBy, $after: String) {
                fundingGaps(period: $period, groupBy: $by, first: 100, after: $after) {
                  pageInfo { hasNextPage endCursor }
                  edges { node { key referralsStarted costOfDemand tariffsEarned funding gap underFunded } }
                } }",
            json!({ "period": period, "by": by }),
            "fundingGaps",
        )
        .await;
    nodes
        .iter()
        .map(|n| {
            let pence = |f: &str| {
                n[f].as_str()
                    .expect("pence as a string")
                    .parse::<i64>()
                    .expect("pence")
            };
            assert_eq!(n["underFunded"], pence("gap") > 0);
            (
                n["key"].as_str().expect("key").to_owned(),
                (
                    n["referralsStarted"].as_i64().expect("count"),
                    pence("costOfDemand"),
                    pence("tariffsEarned"),
                    pence("funding"),
                    pence("gap"),
                ),
            )
        })
        .collect()
}

#[tokio::test]
async fn funding_gaps_equal_the_domain_definitions_by_service_organisation_and_authority() {
    let app = spawn_demo_app(NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")).await;
    for (from, to) in [("2026-04-01", "2026-07-01"), ("2025-11-24", "2026-11-24")] {
        let period =
            Window::parse(from.parse().expect("date"), to.parse().expect("date")).expect("window");
        let json_period = json!({ "from": from, "to": to });
        for (by, name) in [
            (By::Organisation, "ORGANISATION"),
            (By::Service, "SERVICE"),
            (By::Authority, "LOCAL_AUTHORITY"),
        ] {
            let want = reference(&app, period, by).await;
            let got = from_api(&app, &json_period, name).await;
            assert_eq!(got.len(), want.len(), "{name} {from}: the same groups");
            for (key, w) in &want {
                assert_eq!(
                    got.get(key),
                    Some(w),
                    "{name} {from} group {key}: (started, cost, tariffs, funding, gap)"
                );
            }
            let total_gap: i64 = want.values().map(|w| w.4).sum();
            assert_ne!(total_gap, 0, "the demo data has gaps to find");
        }
        // The total is the one local authority's group: every amount
        // added exactly, then rounded once.
        let everything = reference(&app, period, By::Authority).await;
        let want = everything.get("2").expect("the demo's one authority");
        let body = app
            .gql(
                &app.keys.commissioner,
                "query ($period: WindowInput!) { fundingGapTotal(period: $period) {
                    referralsStarted costOfDemand tariffsEarned funding gap underFunded } }",
                json!({ "period": json_period }),
            )
            .await;
        let t = &crate::helpers::data(&body)["fundingGapTotal"];
        let pence = |f: &str| t[f].as_str().expect("pence").parse::<i64>().expect("pence");
        assert_eq!(
            (
                t["referralsStarted"].as_i64().expect("count"),
                pence("costOfDemand"),
                pence("tariffsEarned"),
                pence("funding"),
                pence("gap"),
            ),
            *want,
            "{from}: the total (started, cost, tariffs, funding, gap)"
        );
        assert_eq!(t["underFunded"], want.4 > 0);
    }
}

async fn uncommissioned(
    app: &TestApp,
    period: &Value,
    rate: Option<&str>,
) -> BTreeMap<(String, String), (f64, i64, i64)> {
    let nodes = app
        .all_nodes(
            &app.keys.commissioner,
            "query ($period: WindowInput!, $rate: Pence, $after: String) {
                uncommissionedWork(period: $period, hourlyRate: $rate, first: 100, after: $after) {
                  pageInfo { hasNextPage endCursor }
                  edges { node { organisation { id } kind hours value hourlyRate } }
                } }",
            json!({ "period": period, "rate": rate }),
            "uncommissionedWork",
        )
        .await;
    nodes
        .iter()
        .map(|n| {
            let id = headroom::graphql::ids::decode_as(
                "id",
                "Organisation",
                &async_graphql_id(n["organisation"]["id"].as_str().expect("id")),
            )
            .expect("an organisation id");
            let pence = |f: &str| n[f].as_str().expect("pence").parse::<i64>().expect("pence");
            (
                (
                    id.to_string(),
                    n["kind"].as_str().expect("kind").to_lowercase(),
                ),
                (
                    n["hours"].as_f64().expect("hours"),
                    pence("value"),
                    pence("hourlyRate"),
                ),
            )
        })
        .collect()
}

fn async_graphql_id(s: &str) -> async_graphql::ID {
    async_graphql::ID(s.to_owned())
}

#[tokio::test]
async fn uncommissioned_work_is_prorated_into_the_period_and_valued_at_the_rate_shown() {
    use headroom::domain::metrics::contribution::Uncommissioned;
    use headroom::store::entity::contribution;

    let app = spawn_demo_app(NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")).await;
    let (from, to) = ("2026-04-10", "2026-06-20");
    let period =
        Window::parse(from.parse().expect("date"), to.parse().expect("date")).expect("window");
    let mut terms: BTreeMap<(String, String), Vec<(i64, i64)>> = BTreeMap::new();
    for c in contribution::Entity::find()
        .all(app.store.db())
        .await
        .expect("contributions")
    {
        let days = (c.period_end - c.period_start).num_days() + 1;
        let inside = period.overlap_days(
            c.period_start,
            Some(c.period_end + chrono::Duration::days(1)),
        );
        if inside > 0 {
            terms
                .entry((c.organisation_id.to_string(), c.kind.clone()))
                .or_default()
                .push((i64::from(c.minutes) * inside, days));
        }
    }
    assert!(!terms.is_empty(), "the demo records uncommissioned work");
    let json_period = json!({ "from": from, "to": to });
    for (rate, asked) in [(1221, None), (1500, Some("1500"))] {
        let got = uncommissioned(&app, &json_period, asked).await;
        assert_eq!(got.len(), terms.len());
        for (key, t) in &terms {
            let want = Uncommissioned::of(t.clone(), rate);
            let (hours, value, shown) = got[key];
            assert!(
                (hours - want.hours).abs() < 1e-9,
                "{key:?}: {hours} hours, want {}",
                want.hours
            );
            assert_eq!((value, shown), (want.value_pence, rate), "{key:?}");
        }
        // The total: all the work's minutes added exactly, valued once.
        let want = Uncommissioned::of(terms.values().flatten().copied(), rate);
        let body = app
            .gql(
                &app.keys.commissioner,
                "query ($period: WindowInput!, $rate: Pence) {
                    uncommissionedWorkTotal(period: $period, hourlyRate: $rate) { hours value hourlyRate } }",
                json!({ "period": json_period, "rate": asked }),
            )
            .await;
        let t = &crate::helpers::data(&body)["uncommissionedWorkTotal"];
        let hours = t["hours"].as_f64().expect("hours");
        assert!(
            (hours - want.hours).abs() < 1e-9,
            "{hours} hours in all, want {}",
            want.hours
        );
        assert_eq!(t["value"], json!(want.value_pence.to_string()));
        assert_eq!(t["hourlyRate"], json!(rate.to_string()));
    }
    let refused = app
        .gql(
            &app.keys.commissioner,
            "query ($period: WindowInput!) { uncommissionedWork(period: $period, hourlyRate: \"-5\") { totalCount } }",
            json!({ "period": json_period }),
        )
        .await;
    crate::helpers::assert_bad_input(&refused, "hourlyRate");
}
