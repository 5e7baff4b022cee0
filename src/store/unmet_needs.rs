//! The unmet-needs register.

use chrono::{NaiveDate, Utc};
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
