//! Researchers' questions: checked, answered by one grouped statement,
//! passed through disclosure control, and recorded in the audit trail
//! whether answered or refused. No figure leaves here unprotected, and no
//! path here returns a referral.

use chrono::Utc;

use super::Context;
use crate::domain::analytics::{Measure, Question};
use crate::domain::codes::Role;
use crate::domain::disclosure::{self, Coordinate, Rule, Shown};
use crate::domain::language::LanguageCode;
use crate::error::{AppError, AppResult};
use crate::store::analytics::{self as store, Key};
use crate::store::analytics_audit::{self as audit, AuditLine};

/// Who may ask: researchers, commissioners and admins. Every answer is
/// disclosure-controlled, whoever asks.
const ASKERS: &[Role] = &[Role::Researcher, Role::Commissioner, Role::Admin];

/// How an answer goes out, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Graphql,
    Csv,
    Parquet,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Graphql => "graphql",
            Channel::Csv => "csv",
            Channel::Parquet => "parquet",
        }
    }
}

/// One cell of an answer: where it is, and each measure's figure as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerCell {
    pub keys: Vec<Key>,
    pub figures: Vec<Shown>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub question: Question,
    /// England as a whole: the primary rule does not apply.
    pub national: bool,
    pub cells: Vec<AnswerCell>,
    /// Figures suppressed, by either rule.
    pub suppressed: usize,
}

impl Answer {
    pub fn figures(&self) -> usize {
        self.cells.len() * self.question.measures.len()
    }
}

pub fn require_asker(cx: &Context<'_>) -> AppResult<()> {
    if cx.principal.is(ASKERS) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "aggregate questions are for researchers, commissioners and admins; this key is {}",
            cx.principal.role
        )))
    }
}

/// Answers `question` with at most `max_figures` figures, protected, and
/// records it (or its refusal) in the audit trail.
pub async fn ask(
    cx: &Context<'_>,
    question: Question,
    max_figures: usize,
    channel: Channel,
) -> AppResult<Answer> {
    require_asker(cx)?;
    let result = answer(cx, &question, max_figures).await;
    let asked = serde_json::json!({
        "measures": question.measures,
        "dimensions": question.dimensions,
        "filters": question.filters,
        "window": { "from": question.window.from(), "to": question.window.to() },
    })
    .to_string();
    let (cells, figures, suppressed, refused) = match &result {
        Ok(a) => (a.cells.len(), a.figures(), a.suppressed, None),
        Err(e) => (0, 0, 0, Some(e.code())),
    };
    audit::record(
        cx.store,
        AuditLine {
            key_id: cx.principal.key_id,
            asked_at: Utc::now(),
            question: &asked,
            channel: channel.as_str(),
            cells,
            figures,
            suppressed,
            refused,
        },
    )
    .await?;
    result
}

async fn answer(cx: &Context<'_>, q: &Question, max_figures: usize) -> AppResult<Answer> {
    let max_cells = (max_figures / q.measures.len().max(1)).max(1);
    // One cell more than allowed tells that there are too many.
    let mut cells = store::answer(cx.store, q, max_cells as u64 + 1).await?;
    if cells.len() > max_cells {
        return Err(AppError::TooManyCells(max_figures));
    }
    let national = q.is_national();
    // Languages are named here, from their ISO 639 codes.
    if let Some(d) = q
        .dimensions
        .iter()
        .position(|d| *d == crate::domain::analytics::Dimension::PreferredLanguage)
    {
        for c in &mut cells {
            if let Ok(language) = LanguageCode::parse("language", &c.keys[d].value) {
                c.keys[d].name = language.name().to_owned();
            }
        }
    }
    let coordinates: Vec<Vec<Coordinate>> = cells
        .iter()
        .map(|c| {
            c.keys
                .iter()
                .map(|k| Coordinate::new(k.value.clone(), k.within.clone()))
                .collect()
        })
        .collect();
    let mut columns: Vec<Vec<Shown>> = Vec::with_capacity(q.measures.len());
    for (m, measure) in q.measures.iter().enumerate() {
        columns.push(match measure.info().rule {
            Rule::CountOfPeople => {
                let counts: Vec<i64> = cells.iter().map(|c| c.counts[m].unwrap_or(0)).collect();
                disclosure::protect_counts(&coordinates, &counts, national)
            }
            Rule::StatisticOfPeople => cells
                .iter()
                .map(|c| {
                    let value = match measure {
                        Measure::WaitP90 => c.wait_p90,
                        _ => c.wait_median,
                    };
                    disclosure::statistic(value.map(|v| v as f64), c.waits, national)
                })
                .collect(),
            Rule::NotPeople => cells
                .iter()
                .map(|c| Shown::Value(c.counts[m].unwrap_or(0) as f64))
                .collect(),
        });
    }
    let suppressed = columns
        .iter()
        .flatten()
        .filter(|s| s.is_suppressed())
        .count();
    let out = cells
        .drain(..)
        .enumerate()
        .map(|(i, c)| AnswerCell {
            keys: c.keys,
            figures: columns.iter().map(|col| col[i]).collect(),
        })
        .collect();
    Ok(Answer {
        question: q.clone(),
        national,
        cells: out,
        suppressed,
    })
}

/// The audit trail, oldest first: for admins only.
pub async fn audit_trail(
    cx: &Context<'_>,
    page: crate::store::page::PageRequest,
) -> AppResult<Vec<crate::store::entity::analytics_audit::Model>> {
    if cx.principal.role != Role::Admin {
        return Err(AppError::Forbidden(
            "the researchers' audit trail is for admins".into(),
        ));
    }
    crate::store::page::list::<crate::store::entity::analytics_audit::Entity>(
        cx.store,
        &audit::AuditFilter,
        page,
    )
    .await
}
