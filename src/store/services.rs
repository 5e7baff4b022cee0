//! Services, what they address and offer, and their versioned capacity and
//! status.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, Select, Set, TransactionTrait,
};

use super::entity::{
    capacity_version, location, service, service_capability, service_need, service_status,
};
use super::page::{self, Listing};
use super::sql::Sql;
use super::Store;
use crate::domain::age::AgeRange;
use crate::error::{AppError, AppResult};

#[derive(Debug, Default, Clone)]
pub struct ServiceFilter {
    pub organisation_id: Option<i64>,
    pub location_id: Option<i64>,
    pub ward_id: Option<i64>,
    pub need: Option<String>,
    pub capability: Option<(String, String)>,
    pub name_contains: Option<String>,
}

impl Listing for service::Entity {
    type Filter = ServiceFilter;

    fn select(f: &ServiceFilter) -> Select<Self> {
        let mut s = service::Entity::find();
        if let Some(org) = f.organisation_id {
            s = s.filter(service::Column::OrganisationId.eq(org));
        }
        if let Some(loc) = f.location_id {
            s = s.filter(service::Column::LocationId.eq(loc));
        }
        if let Some(ward) = f.ward_id {
            s = s.filter(
                Expr::col(service::Column::LocationId).in_subquery(
                    Query::select()
                        .column(location::Column::Id)
                        .from(location::Entity)
                        .and_where(location::Column::WardId.eq(ward))
                        .to_owned(),
                ),
            );
        }
        if let Some(need) = &f.need {
            s = s.filter(
                Expr::col(service::Column::Id).in_subquery(
                    Query::select()
                        .column(service_need::Column::ServiceId)
                        .from(service_need::Entity)
                        .and_where(service_need::Column::NeedCode.eq(need.clone()))
                        .to_owned(),
                ),
            );
        }
        if let Some((kind, code)) = &f.capability {
            s = s.filter(
                Expr::col(service::Column::Id).in_subquery(
                    Query::select()
                        .column(service_capability::Column::ServiceId)
                        .from(service_capability::Entity)
                        .and_where(service_capability::Column::Kind.eq(kind.clone()))
                        .and_where(service_capability::Column::Code.eq(code.clone()))
                        .to_owned(),
                ),
            );
        }
        if let Some(name) = &f.name_contains {
            s = s.filter(service::Column::Name.contains(name));
        }
        s
    }

    fn id() -> service::Column {
        service::Column::Id
    }
}

pub async fn services_of_organisations(
    store: &Store,
    orgs: &[i64],
) -> AppResult<HashMap<i64, Vec<service::Model>>> {
    page::grouped::<service::Entity, _>(
        &*store.lane().await?,
        service::Column::OrganisationId,
        service::Column::Id,
        orgs,
        |m| m.organisation_id,
    )
    .await
}

pub async fn needs_of(store: &Store, services: &[i64]) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows = service_need::Entity::find()
        .filter(service_need::Column::ServiceId.is_in(services.iter().copied()))
        .order_by_asc(service_need::Column::NeedCode)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.service_id).or_default().push(r.need_code);
    }
    Ok(out)
}

pub async fn capabilities_of(
    store: &Store,
    services: &[i64],
) -> AppResult<HashMap<i64, Vec<service_capability::Model>>> {
    let rows = service_capability::Entity::find()
        .filter(service_capability::Column::ServiceId.is_in(services.iter().copied()))
        .order_by_asc(service_capability::Column::Kind)
        .order_by_asc(service_capability::Column::Code)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<service_capability::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.service_id).or_default().push(r);
    }
    Ok(out)
}

/// For each service, the row of a dated table (capacity or status) in force
/// on `day`: the latest `valid_from` ≤ `day`, the later-recorded on a tie.
async fn in_force_on<M: FromQueryResult>(
    store: &Store,
    table: &str,
    services: &[i64],
    day: NaiveDate,
) -> AppResult<Vec<M>> {
    let mut sql = Sql::new(&format!(
        "SELECT * FROM (SELECT t.*, ROW_NUMBER() OVER \
         (PARTITION BY t.service_id ORDER BY t.valid_from DESC, t.id DESC) AS rank_in_service \
         FROM {table} t WHERE t.service_id IN "
    ));
    sql.bind_list(services)
        .push(" AND t.valid_from <= ")
        .bind(day)
        .push(") ranked WHERE rank_in_service = 1");
    Ok(M::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?)
}

pub async fn capacity_in_force(
    store: &Store,
    services: &[i64],
    day: NaiveDate,
) -> AppResult<HashMap<i64, capacity_version::Model>> {
    let rows: Vec<capacity_version::Model> =
        in_force_on(store, "capacity_version", services, day).await?;
    Ok(rows.into_iter().map(|r| (r.service_id, r)).collect())
}

pub async fn status_in_force(
    store: &Store,
    services: &[i64],
    day: NaiveDate,
) -> AppResult<HashMap<i64, service_status::Model>> {
    let rows: Vec<service_status::Model> =
        in_force_on(store, "service_status", services, day).await?;
    Ok(rows.into_iter().map(|r| (r.service_id, r)).collect())
}

/// Every capacity version, newest first.
pub async fn capacity_history(
    store: &Store,
    services: &[i64],
) -> AppResult<HashMap<i64, Vec<capacity_version::Model>>> {
    let rows = capacity_version::Entity::find()
        .filter(capacity_version::Column::ServiceId.is_in(services.iter().copied()))
        .order_by_desc(capacity_version::Column::ValidFrom)
        .order_by_desc(capacity_version::Column::Id)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<capacity_version::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.service_id).or_default().push(r);
    }
    Ok(out)
}

/// Every status report, newest first.
pub async fn status_history(
    store: &Store,
    services: &[i64],
) -> AppResult<HashMap<i64, Vec<service_status::Model>>> {
    let rows = service_status::Entity::find()
        .filter(service_status::Column::ServiceId.is_in(services.iter().copied()))
        .order_by_desc(service_status::Column::ValidFrom)
        .order_by_desc(service_status::Column::Id)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<service_status::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.service_id).or_default().push(r);
    }
    Ok(out)
}

/// The service; NOT_FOUND if absent.
pub async fn require_service(store: &Store, id: i64) -> AppResult<service::Model> {
    require_service_in(&*store.lane().await?, id).await
}

/// `require_service` on a connection or transaction: for writes elsewhere in `store`.
pub(super) async fn require_service_in<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> AppResult<service::Model> {
    service::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("service", id))
}

pub struct NewService {
    pub organisation_id: i64,
    pub location_id: Option<i64>,
    pub name: String,
    pub description: String,
    pub unit_cost_pence: Option<i64>,
    pub ages: AgeRange,
    pub needs: Vec<String>,
    pub capabilities: Vec<(String, String)>,
}

pub async fn create_service(store: &Store, new: NewService) -> AppResult<service::Model> {
    let txn = store.db().begin().await?;
    super::organisations::require_organisation(&txn, "organisationId", new.organisation_id).await?;
    if let Some(loc) = new.location_id {
        let location = location::Entity::find_by_id(loc)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found("location", loc))?;
        if location
            .organisation_id
            .is_some_and(|o| o != new.organisation_id)
        {
            return Err(AppError::bad_input(
                "locationId",
                "that location belongs to another organisation",
            ));
        }
    }
    let now = Utc::now();
    let model = service::ActiveModel {
        organisation_id: Set(new.organisation_id),
        location_id: Set(new.location_id),
        name: Set(new.name),
        description: Set(new.description),
        unit_cost_pence: Set(new.unit_cost_pence),
        min_age: Set(new.ages.min),
        max_age: Set(new.ages.max),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    replace_tags(&txn, model.id, &new.needs, &new.capabilities).await?;
    txn.commit().await?;
    Ok(model)
}

pub struct ServiceChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub unit_cost_pence: Option<Option<i64>>,
    pub ages: Option<AgeRange>,
    pub needs: Option<Vec<String>>,
    pub capabilities: Option<Vec<(String, String)>>,
}

pub async fn update_service(
    store: &Store,
    id: i64,
    changes: ServiceChanges,
) -> AppResult<service::Model> {
    let txn = store.db().begin().await?;
    let current = require_service_in(&txn, id).await?;
    let mut active: service::ActiveModel = current.clone().into();
    if let Some(name) = changes.name {
        active.name = Set(name);
    }
    if let Some(description) = changes.description {
        active.description = Set(description);
    }
    if let Some(cost) = changes.unit_cost_pence {
        active.unit_cost_pence = Set(cost);
    }
    if let Some(ages) = changes.ages {
        active.min_age = Set(ages.min);
        active.max_age = Set(ages.max);
    }
    active.updated_at = Set(Utc::now());
    let model = active.update(&txn).await?;
    if let Some(needs) = &changes.needs {
        service_need::Entity::delete_many()
            .filter(service_need::Column::ServiceId.eq(id))
            .exec(&txn)
            .await?;
        replace_tags(&txn, id, needs, &[]).await?;
    }
    if let Some(caps) = &changes.capabilities {
        service_capability::Entity::delete_many()
            .filter(service_capability::Column::ServiceId.eq(id))
            .exec(&txn)
            .await?;
        replace_tags(&txn, id, &[], caps).await?;
    }
    txn.commit().await?;
    Ok(model)
}

async fn replace_tags<C: ConnectionTrait>(
    db: &C,
    service_id: i64,
    needs: &[String],
    capabilities: &[(String, String)],
) -> AppResult<()> {
    if !needs.is_empty() {
        service_need::Entity::insert_many(needs.iter().map(|n| service_need::ActiveModel {
            service_id: Set(service_id),
            need_code: Set(n.clone()),
        }))
        .exec(db)
        .await?;
    }
    if !capabilities.is_empty() {
        service_capability::Entity::insert_many(capabilities.iter().map(|(k, c)| {
            service_capability::ActiveModel {
                service_id: Set(service_id),
                kind: Set(k.clone()),
                code: Set(c.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub struct NewCapacity {
    pub service_id: i64,
    pub valid_from: NaiveDate,
    pub places_per_week: Option<i32>,
    pub caseload_max: Option<i32>,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
}

/// Appends a capacity version; earlier versions are kept as they were.
pub async fn record_capacity(
    store: &Store,
    new: NewCapacity,
) -> AppResult<capacity_version::Model> {
    let txn = store.db().begin().await?;
    require_service_in(&txn, new.service_id).await?;
    let model = capacity_version::ActiveModel {
        service_id: Set(new.service_id),
        valid_from: Set(new.valid_from),
        places_per_week: Set(new.places_per_week),
        caseload_max: Set(new.caseload_max),
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

pub struct NewStatus {
    pub service_id: i64,
    pub status: String,
    pub valid_from: NaiveDate,
    pub note: Option<String>,
    pub recorded_by: Option<i64>,
}

/// Appends a status report, confirmed now.
pub async fn record_status(store: &Store, new: NewStatus) -> AppResult<service_status::Model> {
    let txn = store.db().begin().await?;
    require_service_in(&txn, new.service_id).await?;
    let model = service_status::ActiveModel {
        service_id: Set(new.service_id),
        status: Set(new.status),
        valid_from: Set(new.valid_from),
        confirmed_at: Set(Utc::now()),
        note: Set(new.note),
        recorded_by: Set(new.recorded_by),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Every need code with its label, in display order.
pub async fn all_needs(store: &Store) -> AppResult<Vec<super::entity::need::Model>> {
    Ok(super::entity::need::Entity::find()
        .order_by_asc(super::entity::need::Column::SortOrder)
        .all(&*store.lane().await?)
        .await?)
}
