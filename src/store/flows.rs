//! Referral flows: derived from a referral's events, one row per episode.
//! Whatever writes events rewrites the referral's flows with them.

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::{referral_event, referral_flow};
use crate::domain::codes::DeclineReason;
use crate::domain::metrics::flow::{Episode, Event, History};
use crate::domain::referral::ReferralState;
use crate::error::{AppError, AppResult};

/// The flow rows of one referral's episodes, for the database to number.
pub fn rows(referral_id: i64, gateway_id: i64, episodes: &[Episode]) -> Vec<referral_flow::Model> {
    let count = episodes.len() as i64;
    episodes
        .iter()
        .map(|ep| referral_flow::Model {
            id: super::NUMBERED_BY_THE_DATABASE,
            referral_id,
            service_id: ep.service,
            gateway_id,
            demand_on: ep.demand_on,
            waitlisted_on: ep.waitlisted_on,
            waitlist_end_on: ep.waitlist_end_on,
            accepted_on: ep.accepted_on,
            declined_on: ep.declined_on,
            decline_reason: ep.decline_reason.map(|r| r.as_str().to_owned()),
            started_on: ep.started_on,
            ended_on: ep.ended_on,
            wait_from_on: ep.wait_from_on,
            episodes: count,
        })
        .collect()
}

/// Rewrites a referral's flows from its events, inside the caller's
/// transaction.
pub async fn rewrite<C: ConnectionTrait>(
    db: &C,
    referral_id: i64,
    gateway_id: i64,
) -> AppResult<()> {
    let events = referral_event::Entity::find()
        .filter(referral_event::Column::ReferralId.eq(referral_id))
        .order_by_asc(referral_event::Column::OccurredAt)
        .order_by_asc(referral_event::Column::Id)
        .all(db)
        .await?;
    let history = History {
        events: events.iter().map(event).collect::<AppResult<_>>()?,
    };
    referral_flow::Entity::delete_many()
        .filter(referral_flow::Column::ReferralId.eq(referral_id))
        .exec(db)
        .await?;
    let rows = rows(referral_id, gateway_id, &history.episodes());
    if !rows.is_empty() {
        referral_flow::Entity::insert_many(rows.into_iter().map(super::numbered))
            .exec(db)
            .await?;
    }
    Ok(())
}

fn event(e: &referral_event::Model) -> AppResult<Event> {
    let to = ReferralState::parse(&e.to_state)
        .ok_or_else(|| AppError::Internal(format!("stored state {:?} is unknown", e.to_state)))?;
    let on: NaiveDate = e.occurred_on;
    Ok(Event {
        on,
        to,
        service: e.service_id,
        reason: e.reason.as_deref().and_then(DeclineReason::parse),
    })
}
