//! Areas (ICB → local authority → ward), PCNs and GP practices.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::entity::{area, gp_practice, pcn};
use super::page::{self, Listing};
use super::Store;
use crate::error::AppResult;

#[derive(Debug, Default, Clone)]
pub struct AreaFilter {
    pub kind: Option<String>,
    pub parent_id: Option<i64>,
    pub code: Option<String>,
}

impl Listing for area::Entity {
    type Filter = AreaFilter;

    fn select(f: &AreaFilter) -> Select<Self> {
        let mut s = area::Entity::find();
        if let Some(kind) = &f.kind {
            s = s.filter(area::Column::Kind.eq(kind.clone()));
        }
        if let Some(parent) = f.parent_id {
            s = s.filter(area::Column::ParentId.eq(parent));
        }
        if let Some(code) = &f.code {
            s = s.filter(area::Column::Code.eq(code.clone()));
        }
        s
    }

    fn id() -> area::Column {
        area::Column::Id
    }
}

pub async fn children_of(
    store: &Store,
    parents: &[i64],
) -> AppResult<HashMap<i64, Vec<area::Model>>> {
    let rows = area::Entity::find()
        .filter(area::Column::ParentId.is_in(parents.iter().copied()))
        .order_by_asc(area::Column::Name)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<area::Model>> = HashMap::new();
    for row in rows {
        if let Some(parent) = row.parent_id {
            out.entry(parent).or_default().push(row);
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Clone)]
pub struct PcnFilter {
    pub icb_id: Option<i64>,
}

impl Listing for pcn::Entity {
    type Filter = PcnFilter;

    fn select(f: &PcnFilter) -> Select<Self> {
        let mut s = pcn::Entity::find();
        if let Some(icb) = f.icb_id {
            s = s.filter(pcn::Column::IcbId.eq(icb));
        }
        s
    }

    fn id() -> pcn::Column {
        pcn::Column::Id
    }
}

pub async fn practices_by_id(
    store: &Store,
    ids: &[i64],
) -> AppResult<HashMap<i64, gp_practice::Model>> {
    page::by_ids::<gp_practice::Entity, _>(&*store.lane().await?, gp_practice::Column::Id, ids)
        .await
}

pub async fn practices_of_pcns(
    store: &Store,
    pcns: &[i64],
) -> AppResult<HashMap<i64, Vec<gp_practice::Model>>> {
    page::grouped::<gp_practice::Entity, _>(
        &*store.lane().await?,
        gp_practice::Column::PcnId,
        gp_practice::Column::Id,
        pcns,
        |m| m.pcn_id,
    )
    .await
}

/// The area, which must be a ward; NOT_FOUND if absent, BAD_USER_INPUT if it
/// is an area of another level.
pub async fn require_ward(store: &Store, field: &str, id: i64) -> AppResult<area::Model> {
    require_ward_in(&*store.lane().await?, field, id).await
}

/// `require_ward` on a connection or transaction: for writes elsewhere in `store`.
pub(super) async fn require_ward_in<C: ConnectionTrait>(
    db: &C,
    field: &str,
    id: i64,
) -> AppResult<area::Model> {
    let area = area::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| crate::error::AppError::not_found("ward", id))?;
    if area.kind != "ward" {
        return Err(crate::error::AppError::bad_input(
            field,
            format!(
                "{} is a {}, not a ward",
                area.name,
                area.kind.replace('_', " ")
            ),
        ));
    }
    Ok(area)
}

/// The area of any level; NOT_FOUND if absent.
pub async fn require_area(store: &Store, id: i64) -> AppResult<area::Model> {
    require_area_in(&*store.lane().await?, id).await
}

/// `require_area` on a connection or transaction: for writes elsewhere in `store`.
pub(super) async fn require_area_in<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<area::Model> {
    area::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| crate::error::AppError::not_found("area", id))
}

/// The first area of a kind ("icb", "local_authority", "ward"), if any.
pub async fn first_of_kind(store: &Store, kind: &str) -> AppResult<Option<area::Model>> {
    Ok(area::Entity::find()
        .filter(area::Column::Kind.eq(kind))
        .order_by_asc(area::Column::Id)
        .one(&*store.lane().await?)
        .await?)
}
