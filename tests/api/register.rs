//! The unmet-needs register with its evidence counted live.

use std::collections::HashMap;

use chrono::NaiveDate;
use headroom::store::entity::{area, referral, referral_event, referral_need, unmet_need};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::helpers::{data, spawn_demo_app};

#[tokio::test]
async fn each_entry_counts_the_declines_of_residents_of_its_area_with_its_need() {
    let app = spawn_demo_app(NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")).await;
    let db = app.store.db();
    let areas: HashMap<i64, area::Model> = area::Entity::find()
        .all(db)
        .await
        .expect("areas")
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let referrals: HashMap<i64, referral::Model> = referral::Entity::find()
        .all(db)
        .await
        .expect("referrals")
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let needs: Vec<referral_need::Model> =
        referral_need::Entity::find().all(db).await.expect("needs");
    let events = referral_event::Entity::find()
        .all(db)
        .await
        .expect("events");
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
        NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
    );
    let within = |ward: i64, area_id: i64| {
        let w = &areas[&ward];
        let la = w.parent_id.and_then(|p| areas.get(&p));
        w.id == area_id || la.is_some_and(|la| la.id == area_id || la.parent_id == Some(area_id))
    };

    let body = app
        .gql(
            &app.keys.commissioner,
            "{ unmetNeeds(first: 50) { edges { node { id need
                 declineEvidence(window: { from: \"2026-01-01\", to: \"2026-10-01\" }) {
                   declinedForCapacity declinedForCapability declinedForMissingCapability referralsDeclined window { days } } } } } }",
            json!({}),
        )
        .await;
    let mut entries = unmet_need::Entity::find().all(db).await.expect("entries");
    entries.sort_by_key(|e| e.id);
    let edges = data(&body)["unmetNeeds"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(edges.len(), entries.len());
    let mut any = 0;
    for (edge, entry) in edges.iter().zip(&entries) {
        let has_need = |r: i64| {
            needs
                .iter()
                .any(|n| n.referral_id == r && n.need_code == entry.need_code)
        };
        let declines: Vec<&referral_event::Model> = events
            .iter()
            .filter(|e| {
                e.to_state == "declined"
                    && matches!(e.reason.as_deref(), Some("capacity" | "capability"))
                    && e.occurred_on >= from
                    && e.occurred_on < to
                    && within(referrals[&e.referral_id].residence_ward_id, entry.area_id)
                    && has_need(e.referral_id)
            })
            .collect();
        let count = |reason: &str| {
            declines
                .iter()
                .filter(|e| e.reason.as_deref() == Some(reason))
                .count() as i64
        };
        let missing = declines
            .iter()
            .filter(|e| {
                e.reason.as_deref() == Some("capability")
                    && e.capability_kind == entry.capability_kind
                    && e.capability_code == entry.capability_code
                    && entry.capability_kind.is_some()
            })
            .count() as i64;
        let mut distinct: Vec<i64> = declines.iter().map(|e| e.referral_id).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let got = &edge["node"]["declineEvidence"];
        assert_eq!(got["window"]["days"], 273);
        assert_eq!(
            got["declinedForCapacity"].as_i64(),
            Some(count("capacity")),
            "{edge}"
        );
        assert_eq!(
            got["declinedForCapability"].as_i64(),
            Some(count("capability")),
            "{edge}"
        );
        assert_eq!(
            got["declinedForMissingCapability"].as_i64(),
            Some(missing),
            "{edge}"
        );
        assert_eq!(
            got["referralsDeclined"].as_i64(),
            Some(distinct.len() as i64),
            "{edge}"
        );
        any += distinct.len();
    }
    assert!(any > 0, "the demo register has evidence behind it");
}
