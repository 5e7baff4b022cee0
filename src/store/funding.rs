//! Funding awards, contributions (uncommissioned work) and skills.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select, Set,
    TransactionTrait,
};

use super::entity::{contribution, funding_award, skill};
use super::page::{self, Listing};
use super::Store;
use crate::error::{AppError, AppResult};

#[derive(Debug, Default, Clone)]
pub struct AwardFilter {
    pub organisation_id: Option<i64>,
    pub service_id: Option<i64>,
    pub kind: Option<String>,
}

impl Listing for funding_award::Entity {
    type Filter = AwardFilter;

    fn select(f: &AwardFilter) -> Select<Self> {
        let mut s = funding_award::Entity::find();
        if let Some(o) = f.organisation_id {
            s = s.filter(funding_award::Column::RecipientOrganisationId.eq(o));
        }
        if let Some(svc) = f.service_id {
            s = s.filter(funding_award::Column::ServiceId.eq(svc));
        }
        if let Some(k) = &f.kind {
            s = s.filter(funding_award::Column::Kind.eq(k.clone()));
        }
        s
    }

    fn id() -> funding_award::Column {
        funding_award::Column::Id
    }
}

pub async fn awards_of_organisations(
    store: &Store,
    orgs: &[i64],
) -> AppResult<HashMap<i64, Vec<funding_award::Model>>> {
    page::grouped::<funding_award::Entity, _>(
        &*store.lane().await?,
        funding_award::Column::RecipientOrganisationId,
        funding_award::Column::Id,
        orgs,
        |m| m.recipient_organisation_id,
    )
    .await
}

#[derive(Debug, Default, Clone)]
pub struct ContributionFilter {
    pub organisation_id: Option<i64>,
    pub kind: Option<String>,
}

impl Listing for contribution::Entity {
    type Filter = ContributionFilter;

    fn select(f: &ContributionFilter) -> Select<Self> {
        let mut s = contribution::Entity::find();
        if let Some(o) = f.organisation_id {
            s = s.filter(contribution::Column::OrganisationId.eq(o));
        }
        if let Some(k) = &f.kind {
            s = s.filter(contribution::Column::Kind.eq(k.clone()));
        }
        s
    }

    fn id() -> contribution::Column {
        contribution::Column::Id
    }
}

pub async fn contributions_of_organisations(
    store: &Store,
    orgs: &[i64],
) -> AppResult<HashMap<i64, Vec<contribution::Model>>> {
    page::grouped::<contribution::Entity, _>(
        &*store.lane().await?,
        contribution::Column::OrganisationId,
        contribution::Column::Id,
        orgs,
        |m| m.organisation_id,
    )
    .await
}

pub struct NewContribution {
    pub organisation_id: i64,
    pub service_id: Option<i64>,
    pub kind: String,
    pub minutes: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
}

pub async fn record_contribution(
    store: &Store,
    new: NewContribution,
) -> AppResult<contribution::Model> {
    let txn = store.db().begin().await?;
    super::organisations::require_organisation(&txn, "organisationId", new.organisation_id).await?;
    if let Some(svc) = new.service_id {
        let service = super::services::require_service_in(&txn, svc).await?;
        if service.organisation_id != new.organisation_id {
            return Err(AppError::bad_input(
                "serviceId",
                "that service is run by another organisation",
            ));
        }
    }
    let model = contribution::ActiveModel {
        organisation_id: Set(new.organisation_id),
        service_id: Set(new.service_id),
        kind: Set(new.kind),
        minutes: Set(new.minutes),
        period_start: Set(new.period_start),
        period_end: Set(new.period_end),
        note: Set(new.note),
        recorded_by: Set(new.recorded_by),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

#[derive(Debug, Default, Clone)]
pub struct SkillFilter {
    pub organisation_id: Option<i64>,
    pub skill: Option<String>,
}

impl Listing for skill::Entity {
    type Filter = SkillFilter;

    fn select(f: &SkillFilter) -> Select<Self> {
        let mut s = skill::Entity::find();
        if let Some(o) = f.organisation_id {
            s = s.filter(skill::Column::OrganisationId.eq(o));
        }
        if let Some(k) = &f.skill {
            s = s.filter(skill::Column::Skill.eq(k.clone()));
        }
        s
    }

    fn id() -> skill::Column {
        skill::Column::Id
    }
}

pub async fn skills_of_organisations(
    store: &Store,
    orgs: &[i64],
) -> AppResult<HashMap<i64, Vec<skill::Model>>> {
    page::grouped::<skill::Entity, _>(
        &*store.lane().await?,
        skill::Column::OrganisationId,
        skill::Column::Id,
        orgs,
        |m| m.organisation_id,
    )
    .await
}

/// Sets the counts for one skill of one organisation (insert or replace).
pub async fn set_skill(
    store: &Store,
    organisation_id: i64,
    skill_code: String,
    volunteers: i32,
    paid_staff: i32,
) -> AppResult<skill::Model> {
    let txn = store.db().begin().await?;
    super::organisations::require_organisation(&txn, "organisationId", organisation_id).await?;
    skill::Entity::insert(skill::ActiveModel {
        organisation_id: Set(organisation_id),
        skill: Set(skill_code.clone()),
        volunteers: Set(volunteers),
        paid_staff: Set(paid_staff),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([skill::Column::OrganisationId, skill::Column::Skill])
            .update_columns([
                skill::Column::Volunteers,
                skill::Column::PaidStaff,
                skill::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let model = skill::Entity::find()
        .filter(skill::Column::OrganisationId.eq(organisation_id))
        .filter(skill::Column::Skill.eq(skill_code))
        .order_by_asc(skill::Column::Id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::Internal("skill vanished inside its transaction".into()))?;
    txn.commit().await?;
    Ok(model)
}

pub async fn awards_of_services(
    store: &Store,
    services: &[i64],
) -> AppResult<HashMap<i64, Vec<funding_award::Model>>> {
    let rows = funding_award::Entity::find()
        .filter(funding_award::Column::ServiceId.is_in(services.iter().copied()))
        .order_by_asc(funding_award::Column::Id)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<funding_award::Model>> = HashMap::new();
    for row in rows {
        if let Some(s) = row.service_id {
            out.entry(s).or_default().push(row);
        }
    }
    Ok(out)
}
