//! Researchers' questions: checked, answered by one grouped statement,
//! passed through disclosure control, and recorded in the audit trail
//! whatever their end: answered, refused, or stopped before an answer. No
//! figure leaves here unprotected, and no path here returns a referral.

use chrono::Utc;

use super::Context;
use crate::domain::analytics::{
    prorated_hours, prorated_pounds, shown_utilisation, Measure, Question, Subject,
};
use crate::domain::codes::Role;
use crate::domain::disclosure::{self, Coordinate, Rule, Shown};
use crate::domain::language::LanguageCode;
use crate::domain::metrics::overview::Measures;
use crate::error::{AppError, AppResult};
use crate::store::analytics::{self as store, Key};
use crate::store::analytics_audit::{self as audit, AuditLine};
use crate::store::analytics_services as services;

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
    pub cells: Vec<AnswerCell>,
    /// Figures suppressed, by either rule.
    pub suppressed: usize,
}

impl Answer {
    pub fn figures(&self) -> usize {
        self.cells.len() * self.question.measures.len()
    }
}

fn require_asker(cx: &Context<'_>) -> AppResult<()> {
    if cx.principal.is(ASKERS) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "aggregate questions are for researchers, commissioners and admins; this key is {}",
            cx.principal.role
        )))
    }
}

/// A question as the caller sent it, and what reading it gave: a
/// question that cannot be read is refused and recorded all the same.
pub struct Asked {
    /// The question as it came (JSON), recorded when it cannot be read.
    pub sent: String,
    pub question: AppResult<Question>,
}

/// Answers the question `asked` with at most `max_figures` figures,
/// protected. Every question is recorded, whoever asks and however it
/// ends: the line is written before the answer is worked out (so a
/// question stopped by the time limit stays recorded as unfinished), then
/// completed with the answer's size or the code it was refused with. No
/// answer is given that is not recorded.
pub async fn ask(
    cx: &Context<'_>,
    asked: Asked,
    max_figures: usize,
    channel: Channel,
) -> AppResult<Answer> {
    let recorded = match &asked.question {
        Ok(q) => serde_json::json!({
            "measures": q.measures,
            "dimensions": q.dimensions,
            "filters": q.filters,
            "window": { "from": q.window.from(), "to": q.window.to() },
        })
        .to_string(),
        Err(_) => asked.sent.clone(),
    };
    let line = audit::begin(
        cx.store,
        AuditLine {
            key_id: cx.principal.key_id,
            asked_at: Utc::now(),
            question: &recorded,
            channel: channel.as_str(),
        },
    )
    .await?;
    let result = match (require_asker(cx), asked.question) {
        (Err(e), _) | (Ok(()), Err(e)) => Err(e),
        (Ok(()), Ok(question)) => answer(cx, &question, max_figures).await,
    };
    let outcome = match &result {
        Ok(a) => audit::Outcome {
            cells: a.cells.len(),
            figures: a.figures(),
            suppressed: a.suppressed,
            refused: None,
        },
        Err(e) => audit::Outcome {
            refused: Some(e.code()),
            ..Default::default()
        },
    };
    audit::finish(cx.store, line, outcome).await?;
    result
}

async fn answer(cx: &Context<'_>, q: &Question, max_figures: usize) -> AppResult<Answer> {
    let max_cells = (max_figures / q.measures.len().max(1)).max(1);
    if q.subject() == Subject::Services {
        return answer_services(cx, q, max_cells, max_figures).await;
    }
    // One cell more than allowed tells that there are too many.
    let mut cells = store::answer(cx.store, q, max_cells as u64 + 1).await?;
    if cells.len() > max_cells {
        return Err(AppError::TooManyCells(max_figures));
    }
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
    let keys: Vec<Vec<Key>> = cells.iter().map(|c| c.keys.clone()).collect();
    let coordinates = coordinates_of(&keys);
    let mut columns: Vec<Vec<Shown>> = Vec::with_capacity(q.measures.len());
    for (m, measure) in q.measures.iter().enumerate() {
        columns.push(match measure.info().rule {
            Rule::CountOfPeople => {
                let counts: Vec<i64> = cells.iter().map(|c| c.counts[m].unwrap_or(0)).collect();
                disclosure::protect_counts(&coordinates, &counts)
            }
            Rule::StatisticOfPeople => cells
                .iter()
                .map(|c| {
                    let value = match measure {
                        Measure::WaitP90 => c.wait_p90,
                        _ => c.wait_median,
                    };
                    disclosure::statistic(value.map(|v| v as f64), c.waits)
                })
                .collect(),
            // Referral measures are counts and statistics of people.
            Rule::NotPeople | Rule::RatioOfPeople => cells.iter().map(|_| Shown::Empty).collect(),
        });
    }
    Ok(assemble(q, keys, columns))
}

/// An answer from its cells' keys and its measures' columns of figures.
fn assemble(q: &Question, keys: Vec<Vec<Key>>, columns: Vec<Vec<Shown>>) -> Answer {
    let suppressed = columns
        .iter()
        .flatten()
        .filter(|s| s.is_suppressed())
        .count();
    let cells = keys
        .into_iter()
        .enumerate()
        .map(|(i, keys)| AnswerCell {
            keys,
            figures: columns.iter().map(|col| col[i]).collect(),
        })
        .collect();
    Answer {
        question: q.clone(),
        cells,
        suppressed,
    }
}

fn coordinates_of(keys: &[Vec<Key>]) -> Vec<Vec<Coordinate>> {
    keys.iter()
        .map(|c| {
            c.iter()
                .map(|k| Coordinate::new(k.value.clone(), k.within.clone()))
                .collect()
        })
        .collect()
}

/// A question about services: capacity, contributions and funding as
/// they are; utilisation from its people counts as shown.
async fn answer_services(
    cx: &Context<'_>,
    q: &Question,
    max_cells: usize,
    max_figures: usize,
) -> AppResult<Answer> {
    let stale_before = Utc::now() - chrono::Duration::days(cx.stale_after_days);
    let cells = services::answer(cx.store, q, cx.today, stale_before, max_cells as u64).await?;
    if cells.len() > max_cells {
        return Err(AppError::TooManyCells(max_figures));
    }
    let keys: Vec<Vec<Key>> = cells.iter().map(|c| c.keys.clone()).collect();
    let coordinates = coordinates_of(&keys);
    // Each cell's capacity and load as the dashboards measure them.
    let measured: Vec<(Measures, f64)> = cells
        .iter()
        .map(|c| match c.period {
            Some(w) => (Measures::of(&c.sums(), &w), w.weeks()),
            None => (Measures::of(&c.sums(), &q.window), 0.0),
        })
        .collect();
    let columns = q
        .measures
        .iter()
        .map(|m| match m {
            Measure::Utilisation => {
                let accepted: Vec<i64> = cells.iter().map(|c| c.demand).collect();
                let accepted = disclosure::protect_counts(&coordinates, &accepted);
                // The mean caseload counts people on a day: it is rounded
                // and suppressed as a count of them.
                let whole: Vec<i64> = measured
                    .iter()
                    .map(|(m, _)| m.active_caseload.round() as i64)
                    .collect();
                let caseload = disclosure::protect_counts(&coordinates, &whole);
                measured
                    .iter()
                    .enumerate()
                    .map(|(i, (m, weeks))| {
                        shown_utilisation(
                            accepted[i],
                            *weeks,
                            m.capacity,
                            caseload[i],
                            m.caseload_capacity,
                        )
                    })
                    .collect()
            }
            Measure::ContributionHours => cells
                .iter()
                .map(|c| Shown::Value(prorated_hours(c.contribution.iter().copied())))
                .collect(),
            Measure::Funding => cells
                .iter()
                .map(|c| Shown::Value(prorated_pounds(c.funding.iter().copied())))
                .collect(),
            _ => measured
                .iter()
                .map(|(m, _)| Shown::Value(m.capacity))
                .collect(),
        })
        .collect();
    Ok(assemble(q, keys, columns))
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
