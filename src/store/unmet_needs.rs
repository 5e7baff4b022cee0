//! The unmet-needs register.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::FromQueryResult;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Select, Set, TransactionTrait,
};

use super::entity::unmet_need;
use super::page::Listing;
use super::Store;
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
    pub need_code: String,
    pub capability: Option<(String, String)>,
    pub evidence: String,
    pub likelihood: i32,
    pub impact: i32,
    pub action: Option<String>,
    pub owner: Option<String>,
    pub review_date: Option<NaiveDate>,
    pub status: String,
}

pub async fn create_unmet_need(
    store: &Store,
    area_id: i64,
    fields: UnmetNeedFields,
    created_by: Option<i64>,
) -> AppResult<unmet_need::Model> {
    let txn = store.db().begin().await?;
    super::areas::require_area(&txn, area_id).await?;
    let now = Utc::now();
    let (kind, code) = fields.capability.unzip();
    let model = unmet_need::ActiveModel {
        area_id: Set(area_id),
        need_code: Set(fields.need_code),
        capability_kind: Set(kind),
        capability_code: Set(code),
        evidence: Set(fields.evidence),
        likelihood: Set(fields.likelihood),
        impact: Set(fields.impact),
        action: Set(fields.action),
        owner: Set(fields.owner),
        review_date: Set(fields.review_date),
        status: Set(fields.status),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
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
        .all(store.db())
        .await?;
    Ok(rows.into_iter().map(|r| (r.unmet_need_id, r)).collect())
}
