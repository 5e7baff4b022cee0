//! The unmet-needs register.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::FromQueryResult;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Select, Set, TransactionTrait,
};

use super::entity::{unmet_need, unmet_need_report};
use super::page::Listing;
use super::Store;
use crate::domain::capability::Capability;
use crate::domain::codes::{Need, NoFitReason, UnmetNeedStatus};
use crate::error::{AppError, AppResult};

#[derive(Debug, Default, Clone)]
pub struct UnmetNeedFilter {
    pub area_id: Option<i64>,
    pub need: Option<String>,
    pub status: Option<String>,
}

impl Listing for unmet_need::Entity {
    type Filter = UnmetNeedFilter;

    fn select(f: &UnmetNeedFilter) -> Select<Self> {
        let mut s = unmet_need::Entity::find();
        if let Some(a) = f.area_id {
            s = s.filter(unmet_need::Column::AreaId.eq(a));
        }
        if let Some(n) = &f.need {
            s = s.filter(unmet_need::Column::NeedCode.eq(n.clone()));
        }
        if let Some(st) = &f.status {
            s = s.filter(unmet_need::Column::Status.eq(st.clone()));
        }
        s
    }

    fn id() -> unmet_need::Column {
        unmet_need::Column::Id
    }
}

pub struct UnmetNeedFields {
    pub need: Need,
    /// The capability that is missing, if the need is for one.
    pub capability: Option<Capability>,
    pub evidence: String,
    pub likelihood: i32,
    pub impact: i32,
    pub action: Option<String>,
    pub owner: Option<String>,
    pub review_date: Option<NaiveDate>,
    pub status: UnmetNeedStatus,
}

fn new_entry(
    area_id: i64,
    f: UnmetNeedFields,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> unmet_need::ActiveModel {
    let (kind, code) = f
        .capability
        .map(|c| (c.kind.as_str().to_owned(), c.code))
        .unzip();
    unmet_need::ActiveModel {
        area_id: Set(area_id),
        need_code: Set(f.need.as_str().to_owned()),
        capability_kind: Set(kind),
        capability_code: Set(code),
        evidence: Set(f.evidence),
        likelihood: Set(f.likelihood),
        impact: Set(f.impact),
        action: Set(f.action),
        owner: Set(f.owner),
        review_date: Set(f.review_date),
        status: Set(f.status.as_str().to_owned()),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

pub async fn create_unmet_need(
    store: &Store,
    area_id: i64,
    fields: UnmetNeedFields,
    created_by: Option<i64>,
) -> AppResult<unmet_need::Model> {
    let txn = store.db().begin().await?;
    super::areas::require_area_in(&txn, area_id).await?;
    let now = Utc::now();
    let model = new_entry(area_id, fields, created_by, now)
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(model)
}

pub struct UnmetNeedChanges {
    pub evidence: Option<String>,
    pub likelihood: Option<i32>,
    pub impact: Option<i32>,
    pub action: Option<Option<String>>,
    pub owner: Option<Option<String>>,
    pub review_date: Option<Option<NaiveDate>>,
    pub status: Option<String>,
}

pub async fn update_unmet_need(
    store: &Store,
    id: i64,
    changes: UnmetNeedChanges,
) -> AppResult<unmet_need::Model> {
    let txn = store.db().begin().await?;
    let current = unmet_need::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("unmet need", id))?;
    let mut active: unmet_need::ActiveModel = current.into();
    if let Some(v) = changes.evidence {
        active.evidence = Set(v);
    }
    if let Some(v) = changes.likelihood {
        active.likelihood = Set(v);
    }
    if let Some(v) = changes.impact {
        active.impact = Set(v);
    }
    if let Some(v) = changes.action {
        active.action = Set(v);
    }
    if let Some(v) = changes.owner {
        active.owner = Set(v);
    }
    if let Some(v) = changes.review_date {
        active.review_date = Set(v);
    }
    if let Some(v) = changes.status {
        active.status = Set(v);
    }
    active.updated_at = Set(Utc::now());
    let model = active.update(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

/// Declines that bear on a register entry: of referrals living in its area
/// (ward, local authority or ICB) with its need, declined in the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromQueryResult)]
pub struct Evidence {
    pub unmet_need_id: i64,
    pub declined_capacity: i64,
    pub declined_capability: i64,
    /// Declines for the very capability the entry says is missing.
    pub declined_missing_capability: i64,
    pub referrals: i64,
}

pub async fn evidence(
    store: &Store,
    ids: &[i64],
    window: &crate::domain::metrics::Window,
) -> AppResult<HashMap<i64, Evidence>> {
    let mut sql = super::sql::Sql::default();
    let w0 = sql.param(window.from());
    let w1 = sql.param(window.to());
    sql.push(&format!(
        "SELECT u.id AS unmet_need_id,
                CAST(SUM(CASE WHEN ev.reason = 'capacity' THEN 1 ELSE 0 END) AS BIGINT) AS declined_capacity,
                CAST(SUM(CASE WHEN ev.reason = 'capability' THEN 1 ELSE 0 END) AS BIGINT) AS declined_capability,
                CAST(SUM(CASE WHEN ev.reason = 'capability' AND ev.capability_kind = u.capability_kind
                              AND ev.capability_code = u.capability_code THEN 1 ELSE 0 END) AS BIGINT)
                    AS declined_missing_capability,
                CAST(COUNT(DISTINCT ev.referral_id) AS BIGINT) AS referrals
         FROM unmet_need u
         JOIN referral_event ev ON ev.to_state = 'declined' AND ev.reason IN ('capacity', 'capability')
              AND ev.occurred_on >= {w0} AND ev.occurred_on < {w1}
         JOIN referral r ON r.id = ev.referral_id
         JOIN area w ON w.id = r.residence_ward_id
         LEFT JOIN area la ON la.id = w.parent_id
         WHERE (w.id = u.area_id OR la.id = u.area_id OR la.parent_id = u.area_id)
           AND EXISTS (SELECT 1 FROM referral_need rn WHERE rn.referral_id = r.id AND rn.need_code = u.need_code)
           AND u.id IN "
    ));
    sql.bind_list(ids).push(" GROUP BY u.id");
    let rows = Evidence::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?;
    Ok(rows.into_iter().map(|r| (r.unmet_need_id, r)).collect())
}

/// A link worker's report that nothing fits, for one need.
pub struct NoFitReport {
    pub reason: NoFitReason,
    pub note: Option<String>,
    pub gateway_id: Option<i64>,
    pub recorded_by: Option<i64>,
    /// The entry to open if no open entry matches.
    pub new_entry: UnmetNeedFields,
}

/// The open (or mitigating) register entry a report about `ward` belongs
/// to: same need and missing capability, in the ward, its local authority
/// or its ICB, the most local first.
pub async fn matching_entry(
    store: &Store,
    ward: &super::entity::area::Model,
    la: Option<&super::entity::area::Model>,
    need: Need,
    capability: Option<&Capability>,
) -> AppResult<Option<unmet_need::Model>> {
    let mut areas = vec![ward.id];
    areas.extend(la.map(|l| l.id));
    areas.extend(la.and_then(|l| l.parent_id));
    let mut s = unmet_need::Entity::find()
        .filter(unmet_need::Column::Status.is_in(["open", "mitigating"]))
        .filter(unmet_need::Column::NeedCode.eq(need.as_str()))
        .filter(unmet_need::Column::AreaId.is_in(areas.clone()));
    s = match capability {
        Some(c) => s
            .filter(unmet_need::Column::CapabilityKind.eq(c.kind.as_str()))
            .filter(unmet_need::Column::CapabilityCode.eq(c.code.clone())),
        None => s.filter(unmet_need::Column::CapabilityKind.is_null()),
    };
    let mut found = s.all(&*store.lane().await?).await?;
    found.sort_by_key(|u| (areas.iter().position(|a| *a == u.area_id), u.id));
    Ok(found.into_iter().next())
}

/// Records the reports, each against its matching entry or a new one at
/// `new_area_id`, in one transaction; returns the entries.
pub async fn record_no_fit(
    store: &Store,
    ward_id: i64,
    new_area_id: i64,
    reports: Vec<(Option<unmet_need::Model>, NoFitReport)>,
) -> AppResult<Vec<unmet_need::Model>> {
    let txn = store.db().begin().await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(reports.len());
    for (entry, r) in reports {
        let entry = match entry {
            Some(e) => e,
            None => {
                new_entry(new_area_id, r.new_entry, r.recorded_by, now)
                    .insert(&txn)
                    .await?
            }
        };
        unmet_need_report::ActiveModel {
            unmet_need_id: Set(entry.id),
            ward_id: Set(ward_id),
            gateway_id: Set(r.gateway_id),
            reason: Set(r.reason.as_str().to_owned()),
            note: Set(r.note),
            recorded_by: Set(r.recorded_by),
            recorded_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        out.push(entry);
    }
    txn.commit().await?;
    Ok(out)
}

/// How many link-worker reports each entry has.
pub async fn report_counts(store: &Store, ids: &[i64]) -> AppResult<HashMap<i64, i64>> {
    #[derive(FromQueryResult)]
    struct Row {
        unmet_need_id: i64,
        reports: i64,
    }
    let mut sql = super::sql::Sql::new(
        "SELECT unmet_need_id, CAST(COUNT(*) AS BIGINT) AS reports FROM unmet_need_report WHERE unmet_need_id IN ",
    );
    sql.bind_list(ids).push(" GROUP BY unmet_need_id");
    let rows = Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.unmet_need_id, r.reports))
        .collect())
}
