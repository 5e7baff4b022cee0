//! Organisations and their locations.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Select, Set, TransactionTrait,
};

use super::entity::{location, organisation};
use super::page::{self, Listing};
use super::Store;
use crate::error::{AppError, AppResult};

#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub kind: Option<String>,
    pub ward_id: Option<i64>,
    pub name_contains: Option<String>,
    pub community_anchor: Option<bool>,
}

impl Listing for organisation::Entity {
    type Filter = OrganisationFilter;

    fn select(f: &OrganisationFilter) -> Select<Self> {
        let mut s = organisation::Entity::find();
        if let Some(kind) = &f.kind {
            s = s.filter(organisation::Column::Kind.eq(kind.clone()));
        }
        if let Some(ward) = f.ward_id {
            s = s.filter(organisation::Column::WardId.eq(ward));
        }
        if let Some(name) = &f.name_contains {
            s = s.filter(organisation::Column::Name.contains(name));
        }
        if let Some(anchor) = f.community_anchor {
            s = s.filter(organisation::Column::CommunityAnchor.eq(anchor));
        }
        s
    }

    fn id() -> organisation::Column {
        organisation::Column::Id
    }
}

pub struct NewOrganisation {
    pub name: String,
    pub kind: String,
    pub org_identifier: Option<String>,
    pub charity_number: Option<String>,
    pub company_number: Option<String>,
    pub community_anchor: bool,
    pub ward_id: Option<i64>,
}

pub async fn create_organisation(
    store: &Store,
    new: NewOrganisation,
) -> AppResult<organisation::Model> {
    let txn = store.db().begin().await?;
    if let Some(ward) = new.ward_id {
        super::areas::require_ward_in(&txn, "wardId", ward).await?;
    }
    let model = organisation::ActiveModel {
        name: Set(new.name),
        kind: Set(new.kind),
        org_identifier: Set(new.org_identifier),
        charity_number: Set(new.charity_number),
        company_number: Set(new.company_number),
        community_anchor: Set(new.community_anchor),
        ward_id: Set(new.ward_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

#[derive(Debug, Default, Clone)]
pub struct LocationFilter {
    pub organisation_id: Option<i64>,
    pub ward_id: Option<i64>,
}

impl Listing for location::Entity {
    type Filter = LocationFilter;

    fn select(f: &LocationFilter) -> Select<Self> {
        let mut s = location::Entity::find();
        if let Some(org) = f.organisation_id {
            s = s.filter(location::Column::OrganisationId.eq(org));
        }
        if let Some(ward) = f.ward_id {
            s = s.filter(location::Column::WardId.eq(ward));
        }
        s
    }

    fn id() -> location::Column {
        location::Column::Id
    }
}

pub async fn locations_of_organisations(
    store: &Store,
    orgs: &[i64],
) -> AppResult<HashMap<i64, Vec<location::Model>>> {
    page::grouped::<location::Entity, _>(
        &*store.lane().await?,
        location::Column::OrganisationId,
        location::Column::Id,
        orgs,
        |m| m.organisation_id.unwrap_or_default(),
    )
    .await
}

pub struct NewLocation {
    pub organisation_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub ward_id: i64,
    pub postcode: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub async fn create_location(store: &Store, new: NewLocation) -> AppResult<location::Model> {
    let txn = store.db().begin().await?;
    if let Some(org) = new.organisation_id {
        require_organisation(&txn, "organisationId", org).await?;
    }
    super::areas::require_ward_in(&txn, "wardId", new.ward_id).await?;
    let model = location::ActiveModel {
        organisation_id: Set(new.organisation_id),
        name: Set(new.name),
        kind: Set(new.kind),
        ward_id: Set(new.ward_id),
        postcode: Set(new.postcode),
        latitude: Set(new.latitude),
        longitude: Set(new.longitude),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// The organisation, or NOT_FOUND.
pub async fn require_organisation<C: sea_orm::ConnectionTrait>(
    db: &C,
    _field: &str,
    id: i64,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("organisation", id))
}
