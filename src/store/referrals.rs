//! Referrals and their append-only events. Every read takes a scope, so a
//! caller only ever sees the referrals its role allows.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select};

use super::entity::{referral, referral_event, referral_need, service};
use super::page::{self, Listing};
use super::Store;
use crate::domain::access::ReferralScope;
use crate::error::AppResult;

#[derive(Debug, Clone)]
pub struct ReferralFilter {
    pub scope: ReferralScope,
    pub gateway_id: Option<i64>,
    pub service_id: Option<i64>,
    pub state: Option<String>,
}

fn scoped(mut s: Select<referral::Entity>, scope: ReferralScope) -> Select<referral::Entity> {
    match scope {
        ReferralScope::All => {}
        ReferralScope::Gateway(g) => s = s.filter(referral::Column::GatewayId.eq(g)),
        ReferralScope::Organisation(o) => {
            s = s.filter(
                Expr::col(referral::Column::ServiceId).in_subquery(
                    Query::select()
                        .column(service::Column::Id)
                        .from(service::Entity)
                        .and_where(service::Column::OrganisationId.eq(o))
                        .to_owned(),
                ),
            )
        }
    }
    s
}

/// Listing applies the filter's scope. By id, use `referrals_by_id`, which
/// applies a scope too; `page::find` would not.
impl Listing for referral::Entity {
    type Filter = ReferralFilter;

    fn select(f: &ReferralFilter) -> Select<Self> {
        let mut s = scoped(referral::Entity::find(), f.scope);
        if let Some(g) = f.gateway_id {
            s = s.filter(referral::Column::GatewayId.eq(g));
        }
        if let Some(svc) = f.service_id {
            s = s.filter(referral::Column::ServiceId.eq(svc));
        }
        if let Some(state) = &f.state {
            s = s.filter(referral::Column::State.eq(state.clone()));
        }
        s
    }

    fn id() -> referral::Column {
        referral::Column::Id
    }
}

/// Referrals by id, limited to the scope: one outside it is simply absent.
pub async fn referrals_by_id(
    store: &Store,
    scope: ReferralScope,
    ids: &[i64],
) -> AppResult<HashMap<i64, referral::Model>> {
    let rows = scoped(referral::Entity::find(), scope)
        .filter(referral::Column::Id.is_in(ids.iter().copied()))
        .all(&*store.lane().await?)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

pub async fn needs_of(store: &Store, referrals: &[i64]) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows = referral_need::Entity::find()
        .filter(referral_need::Column::ReferralId.is_in(referrals.iter().copied()))
        .order_by_asc(referral_need::Column::NeedCode)
        .all(&*store.lane().await?)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.referral_id).or_default().push(r.need_code);
    }
    Ok(out)
}

/// Each referral's events, oldest first.
pub async fn events_of(
    store: &Store,
    referrals: &[i64],
) -> AppResult<HashMap<i64, Vec<referral_event::Model>>> {
    page::grouped::<referral_event::Entity, _>(
        &*store.lane().await?,
        referral_event::Column::ReferralId,
        referral_event::Column::Id,
        referrals,
        |m| m.referral_id,
    )
    .await
}

pub async fn event_by_id(store: &Store, id: i64) -> AppResult<referral_event::Model> {
    referral_event::Entity::find_by_id(id)
        .one(&*store.lane().await?)
        .await?
        .ok_or_else(|| crate::error::AppError::not_found("referral event", id))
}

/// Referrals whose reference starts with `prefix`, with their events and
/// flows: the benchmark's check that no event was lost or duplicated.
#[derive(Debug, Clone, Copy, sea_orm::FromQueryResult)]
pub struct Tally {
    pub referrals: i64,
    pub events: i64,
    pub flows: i64,
}

pub async fn tally(store: &Store, prefix: &str) -> AppResult<Tally> {
    use sea_orm::FromQueryResult;
    let mut sql = super::sql::Sql::default();
    let p = sql.param(format!("{prefix}%"));
    sql.push(&format!(
        "SELECT
            CAST((SELECT COUNT(*) FROM referral WHERE reference LIKE {p}) AS BIGINT) AS referrals,
            CAST((SELECT COUNT(*) FROM referral_event e JOIN referral r ON r.id = e.referral_id
                  WHERE r.reference LIKE {p}) AS BIGINT) AS events,
            CAST((SELECT COUNT(*) FROM referral_flow f JOIN referral r ON r.id = f.referral_id
                  WHERE r.reference LIKE {p}) AS BIGINT) AS flows"
    ));
    Tally::find_by_statement(sql.build(store.backend()))
        .one(&*store.lane().await?)
        .await?
        .ok_or_else(|| crate::error::AppError::Internal("no tally row".into()))
}

/// Up to `n` services with a venue and their organisations, spread over
/// the service ids (where the benchmark sends its referrals).
pub async fn sample_services(store: &Store, n: usize) -> AppResult<Vec<(i64, i64)>> {
    let rows = service::Entity::find()
        .filter(service::Column::LocationId.is_not_null())
        .order_by_asc(service::Column::Id)
        .all(&*store.lane().await?)
        .await?;
    let step = (rows.len() / n.max(1)).max(1);
    Ok(rows
        .into_iter()
        .step_by(step)
        .take(n)
        .map(|s| (s.id, s.organisation_id))
        .collect())
}
