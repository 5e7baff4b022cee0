//! `analytics`, `analyticsCatalogue` and `analyticsAudit`: researchers'
//! aggregate questions, disclosure-controlled, and their audit trail.

use async_graphql::{Context, Enum, InputObject, InputType, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::connection::{build, Conn, Page, TotalCount};
use super::context::ContextExt;
use super::cost;
use super::metrics::WindowInput;
use super::types::overview::WindowInfo;
use crate::app::analytics::{self as app, Answer, Asked, Channel};
use crate::domain::analytics::{self as domain, Filter, Question};
use crate::domain::disclosure::{Rule, Shown};
use crate::store::analytics_audit::AuditFilter;
use crate::store::entity::analytics_audit;
use crate::store::page as store_page;

macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident = $remote:literal { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        #[graphql(remote = $remote)]
        pub enum $name { $($variant),+ }
    };
}

mirror!(
    /// What an aggregate question counts (see `analyticsCatalogue`).
    AnalyticsMeasure = "crate::domain::analytics::Measure" {
        Referrals, Accepted, WaitListed, DeclinedForCapacity, DeclinedForCapability, Started,
        Completed, DidNotAttend, Withdrawn, WaitMedian, WaitP90, CapacityPlaces, Utilisation,
        ContributionHours, Funding
    }
);
mirror!(
    /// What an aggregate question breaks its measures down by.
    AnalyticsDimension = "crate::domain::analytics::Dimension" {
        Week, Month, Quarter, Icb, LocalAuthority, Ward, Pcn, GatewayKind, Need, AgeBand,
        PreferredLanguage, MissingCapability, OrganisationKind, Service
    }
);
mirror!(
    /// The disclosure rule a figure falls under.
    DisclosureRule = "crate::domain::disclosure::Rule" { CountOfPeople, StatisticOfPeople, NotPeople, RatioOfPeople }
);
mirror!(
    /// What a measure describes: referrals (placed where the person
    /// lives) or services (placed where the service is). One question
    /// asks about one.
    AnalyticsSubject = "crate::domain::analytics::Subject" { Referrals, Services }
);

/// Only figures whose `dimension` takes one of `values` (the keys the
/// answers give: ONS and ODS codes, need codes such as `dementia`, age
/// bands such as `65-74`, ISO 639 language codes).
#[derive(InputObject)]
pub struct AnalyticsFilter {
    pub dimension: AnalyticsDimension,
    pub values: Vec<String>,
}

#[derive(InputObject)]
pub struct AnalyticsQuestion {
    pub measures: Vec<AnalyticsMeasure>,
    #[graphql(default)]
    pub dimensions: Vec<AnalyticsDimension>,
    #[graphql(default)]
    pub filters: Vec<AnalyticsFilter>,
    pub window: WindowInput,
}

impl AnalyticsQuestion {
    pub fn parse(self) -> Result<Question, crate::error::AppError> {
        Ok(Question::new(
            self.measures.into_iter().map(Into::into).collect(),
            self.dimensions.into_iter().map(Into::into).collect(),
            self.filters
                .into_iter()
                .map(|f| Filter {
                    dimension: f.dimension.into(),
                    values: f.values,
                })
                .collect(),
            self.window.parse()?,
        )?)
    }
}

#[derive(SimpleObject)]
pub struct AnalyticsMeasureInfo {
    pub measure: AnalyticsMeasure,
    pub label: String,
    pub unit: String,
    /// Whether it counts people (and so is suppressed and rounded).
    pub counts_people: bool,
    pub rule: DisclosureRule,
    pub subject: AnalyticsSubject,
    pub definition: String,
}

#[derive(SimpleObject)]
pub struct AnalyticsDimensionInfo {
    pub dimension: AnalyticsDimension,
    pub label: String,
    pub definition: String,
    /// The kinds of measure it breaks down (need breaks down capacity and
    /// utilisation, not contributions or funding).
    #[graphql(complexity = "cost::list(2, child_complexity)")]
    pub subjects: Vec<AnalyticsSubject>,
}

pub struct AnalyticsCatalogue {
    measures: Vec<AnalyticsMeasureInfo>,
    dimensions: Vec<AnalyticsDimensionInfo>,
    rules: Vec<String>,
}

#[Object]
impl AnalyticsCatalogue {
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn measures(&self) -> &[AnalyticsMeasureInfo] {
        &self.measures
    }

    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn dimensions(&self) -> &[AnalyticsDimensionInfo] {
        &self.dimensions
    }

    /// The disclosure rules every answer follows, in words.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, 1)")]
    async fn rules(&self) -> &[String] {
        &self.rules
    }
}

/// Where a cell sits in one dimension.
#[derive(SimpleObject, Clone)]
pub struct AnalyticsKey {
    pub dimension: AnalyticsDimension,
    /// The key: a code, an ONS or ODS code, a period.
    pub value: String,
    /// A name for people.
    pub label: String,
}

/// One figure of a cell, as a researcher may see it.
#[derive(SimpleObject, Clone)]
pub struct AnalyticsFigure {
    pub measure: AnalyticsMeasure,
    /// Null when suppressed, or for a statistic over nobody.
    pub value: Option<f64>,
    pub suppressed: bool,
    /// Suppressed to protect another suppressed figure of its row or
    /// column.
    pub secondary: bool,
}

#[derive(Clone)]
pub struct AnalyticsCell {
    keys: Vec<AnalyticsKey>,
    figures: Vec<AnalyticsFigure>,
}

#[Object]
impl AnalyticsCell {
    /// One key for each of the question's dimensions, in its order.
    #[graphql(complexity = "cost::list(domain::MAX_DIMENSIONS, child_complexity)")]
    async fn keys(&self) -> &[AnalyticsKey] {
        &self.keys
    }

    /// One figure for each of the question's measures, in its order.
    #[graphql(complexity = "cost::list(domain::Measure::ALL.len(), child_complexity)")]
    async fn figures(&self) -> &[AnalyticsFigure] {
        &self.figures
    }
}

pub struct AnalyticsAnswer {
    window: WindowInfo,
    measures: Vec<AnalyticsMeasure>,
    dimensions: Vec<AnalyticsDimension>,
    cells: Vec<AnalyticsCell>,
    figures: i64,
    suppressed: i64,
}

#[Object]
impl AnalyticsAnswer {
    async fn window(&self) -> WindowInfo {
        self.window
    }

    #[graphql(complexity = "cost::list(domain::Measure::ALL.len(), 1)")]
    async fn measures(&self) -> &[AnalyticsMeasure] {
        &self.measures
    }

    #[graphql(complexity = "cost::list(domain::MAX_DIMENSIONS, 1)")]
    async fn dimensions(&self) -> &[AnalyticsDimension] {
        &self.dimensions
    }

    /// Cells with at least one figure, in key order; at most the
    /// server's limit of figures (`TOO_MANY_CELLS` past it).
    #[graphql(complexity = "cost::list(CELLS, child_complexity)")]
    async fn cells(&self) -> &[AnalyticsCell] {
        &self.cells
    }

    /// Figures in the answer: cells × measures.
    async fn figures(&self) -> i64 {
        self.figures
    }

    /// Figures suppressed, by either rule.
    async fn suppressed(&self) -> i64 {
        self.suppressed
    }
}

impl From<Answer> for AnalyticsAnswer {
    fn from(a: Answer) -> Self {
        let measures: Vec<AnalyticsMeasure> =
            a.question.measures.iter().map(|m| (*m).into()).collect();
        let dimensions: Vec<AnalyticsDimension> =
            a.question.dimensions.iter().map(|d| (*d).into()).collect();
        let figures = a.figures() as i64;
        AnalyticsAnswer {
            window: a.question.window.into(),
            suppressed: a.suppressed as i64,
            figures,
            cells: a
                .cells
                .into_iter()
                .map(|c| AnalyticsCell {
                    keys: c
                        .keys
                        .into_iter()
                        .zip(&dimensions)
                        .map(|(k, d)| AnalyticsKey {
                            dimension: *d,
                            value: k.value,
                            label: k.name,
                        })
                        .collect(),
                    figures: c
                        .figures
                        .into_iter()
                        .zip(&measures)
                        .map(|(s, m)| AnalyticsFigure {
                            measure: *m,
                            value: match s {
                                Shown::Value(v) => Some(v),
                                _ => None,
                            },
                            suppressed: s.is_suppressed(),
                            secondary: s == Shown::Suppressed { secondary: true },
                        })
                        .collect(),
                })
                .collect(),
            measures,
            dimensions,
        }
    }
}

/// One question in the audit trail.
#[derive(SimpleObject)]
pub struct AnalyticsAuditLine {
    pub asked_at: DateTime<Utc>,
    /// The key that asked (its id).
    pub key_id: i64,
    /// The question, as JSON.
    pub question: String,
    /// `graphql`, `csv` or `parquet`.
    pub channel: String,
    pub cells: i32,
    pub figures: i32,
    pub suppressed: i32,
    /// The error code, when it was refused.
    pub refused: Option<String>,
}

impl From<analytics_audit::Model> for AnalyticsAuditLine {
    fn from(m: analytics_audit::Model) -> Self {
        AnalyticsAuditLine {
            asked_at: m.asked_at,
            key_id: m.key_id,
            question: m.question,
            channel: m.channel,
            cells: m.cells,
            figures: m.figures,
            suppressed: m.suppressed,
            refused: m.refused,
        }
    }
}

/// Cells an answer is costed at: its figures are bounded by the server's
/// limit, its cost by a typical answer.
const CELLS: usize = 100;

#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Every measure and dimension a question may use, with what each
    /// means and the disclosure rule it falls under.
    async fn analytics_catalogue(&self) -> AnalyticsCatalogue {
        AnalyticsCatalogue {
            measures: domain::Measure::ALL
                .iter()
                .map(|m| {
                    let info = m.info();
                    AnalyticsMeasureInfo {
                        measure: (*m).into(),
                        label: info.label.into(),
                        unit: info.unit.into(),
                        counts_people: info.rule != Rule::NotPeople,
                        rule: info.rule.into(),
                        subject: info.subject.into(),
                        definition: info.definition.into(),
                    }
                })
                .collect(),
            dimensions: domain::Dimension::ALL
                .iter()
                .map(|d| {
                    let info = d.info();
                    AnalyticsDimensionInfo {
                        dimension: (*d).into(),
                        label: info.label.into(),
                        definition: info.definition.into(),
                        subjects: std::iter::once(AnalyticsSubject::Referrals)
                            .chain(d.describes_services().then_some(AnalyticsSubject::Services))
                            .collect(),
                    }
                })
                .collect(),
            rules: crate::domain::disclosure::RULES
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
        }
    }

    /// An aggregate question: measures by up to three dimensions over a
    /// window, every figure disclosure-controlled, the question recorded
    /// in the audit trail. For researchers, commissioners and admins.
    #[graphql(
        complexity = "cost::over(&question.window, cost::Scope::Everywhere) + child_complexity"
    )]
    async fn analytics(
        &self,
        ctx: &Context<'_>,
        question: AnalyticsQuestion,
    ) -> Result<AnalyticsAnswer> {
        let asked = Asked {
            sent: serde_json::to_string(&question.to_value()).unwrap_or_default(),
            question: question.parse(),
        };
        let max = ctx.settings().max_analytics_figures;
        Ok(app::ask(&ctx.app(), asked, max, Channel::Graphql)
            .await?
            .into())
    }

    /// Every researcher question asked, oldest first: for admins.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn analytics_audit(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<AnalyticsAuditLine>> {
        let page = Page::parse(first, after)?;
        let rows = app::audit_trail(&ctx.app(), page.request()).await?;
        let store = ctx.store().clone();
        let total = TotalCount::new(move || {
            let store = store.clone();
            async move { store_page::total::<analytics_audit::Entity>(&store, &AuditFilter).await }
        });
        Ok(build(page, rows, |r| r.id, Into::into, total))
    }
}
