//! The researchers' audit trail: a line per question, written as it is
//! asked and completed when it is answered or refused.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Select, Set};

use super::entity::analytics_audit;
use super::page::Listing;
use super::Store;
use crate::error::AppResult;

/// One question, as it is asked.
pub struct AuditLine<'a> {
    pub key_id: i64,
    pub asked_at: DateTime<Utc>,
    /// The question, as JSON.
    pub question: &'a str,
    pub channel: &'a str,
}

/// What a line says of a question still being answered.
pub const UNFINISHED: &str = "UNFINISHED";

fn small(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Writes the line before the question is answered, so that a question
/// stopped part way (by the request's time limit, a lost connection or a
/// crash) stays in the trail as unfinished; `finish` then records how it
/// ended. The line's id; it reads `UNFINISHED` until then.
pub async fn begin(store: &Store, line: AuditLine<'_>) -> AppResult<i64> {
    let written = analytics_audit::ActiveModel {
        key_id: Set(line.key_id),
        asked_at: Set(line.asked_at),
        question: Set(line.question.to_owned()),
        channel: Set(line.channel.to_owned()),
        cells: Set(0),
        figures: Set(0),
        suppressed: Set(0),
        refused: Set(Some(UNFINISHED.to_owned())),
        ..Default::default()
    }
    .insert(&*store.lane().await?)
    .await?;
    Ok(written.id)
}

/// How a question ended: what it answered with, or the code it was
/// refused with.
#[derive(Default)]
pub struct Outcome<'a> {
    pub cells: usize,
    pub figures: usize,
    pub suppressed: usize,
    pub refused: Option<&'a str>,
}

pub async fn finish(store: &Store, id: i64, outcome: Outcome<'_>) -> AppResult<()> {
    analytics_audit::ActiveModel {
        id: Set(id),
        cells: Set(small(outcome.cells)),
        figures: Set(small(outcome.figures)),
        suppressed: Set(small(outcome.suppressed)),
        refused: Set(outcome.refused.map(str::to_owned)),
        ..Default::default()
    }
    .update(&*store.lane().await?)
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
