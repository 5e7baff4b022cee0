//! The researchers' audit trail: a line per question, written once.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Select, Set};

use super::entity::analytics_audit;
use super::page::Listing;
use super::Store;
use crate::error::AppResult;

/// One question, as it is recorded.
pub struct AuditLine<'a> {
    pub key_id: i64,
    pub asked_at: DateTime<Utc>,
    /// The question, as JSON.
    pub question: &'a str,
    pub channel: &'a str,
    pub cells: usize,
    pub figures: usize,
    pub suppressed: usize,
    /// The error code, when the question was refused.
    pub refused: Option<&'a str>,
}

fn small(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub async fn record(store: &Store, line: AuditLine<'_>) -> AppResult<()> {
    analytics_audit::ActiveModel {
        key_id: Set(line.key_id),
        asked_at: Set(line.asked_at),
        question: Set(line.question.to_owned()),
        channel: Set(line.channel.to_owned()),
        cells: Set(small(line.cells)),
        figures: Set(small(line.figures)),
        suppressed: Set(small(line.suppressed)),
        refused: Set(line.refused.map(str::to_owned)),
        ..Default::default()
    }
    .insert(&*store.lane().await?)
    .await?;
    Ok(())
}

/// Every line, oldest first.
#[derive(Clone, Default)]
pub struct AuditFilter;

impl Listing for analytics_audit::Entity {
    type Filter = AuditFilter;

    fn select(_: &AuditFilter) -> Select<Self> {
        analytics_audit::Entity::find()
    }

    fn id() -> Self::Column {
        analytics_audit::Column::Id
    }
}
