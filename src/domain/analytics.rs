//! Researchers' questions: the measures and dimensions an aggregate
//! question may use (a whitelist: the SQL is built from these codes, never
//! from text a caller sends), what each means, and the checks a question
//! passes before anything runs. Every measure is a count of referrals or a
//! statistic over them, each under its disclosure rule
//! (`domain::disclosure`).

use chrono::{Datelike, Duration, Months, NaiveDate};

use super::codes::coded_enum;
use super::disclosure::Rule;
use super::metrics::Window;
use super::Invalid;

coded_enum!(
    /// What a question counts.
    Measure {
        Referrals = "referrals",
        Accepted = "accepted",
        WaitListed = "wait_listed",
        DeclinedForCapacity = "declined_for_capacity",
        DeclinedForCapability = "declined_for_capability",
        Started = "started",
        Completed = "completed",
        DidNotAttend = "did_not_attend",
        Withdrawn = "withdrawn",
        WaitMedian = "wait_median",
        WaitP90 = "wait_p90",
    }
);

coded_enum!(
    /// What a question breaks its measures down by.
    Dimension {
        Week = "week",
        Month = "month",
        Quarter = "quarter",
        Icb = "icb",
        LocalAuthority = "local_authority",
        Ward = "ward",
        Pcn = "pcn",
        GatewayKind = "gateway_kind",
        Need = "need",
        AgeBand = "age_band",
        PreferredLanguage = "preferred_language",
        MissingCapability = "missing_capability",
        OrganisationKind = "organisation_kind",
        Service = "service",
    }
);

/// What a measure is, for the catalogue.
pub struct MeasureInfo {
    pub label: &'static str,
    pub unit: &'static str,
    pub rule: Rule,
    pub definition: &'static str,
}

impl Measure {
    pub fn info(self) -> MeasureInfo {
        use Measure::*;
        let count = |label, definition| MeasureInfo {
            label,
            unit: "referrals",
            rule: Rule::CountOfPeople,
            definition,
        };
        match self {
            Referrals => count("Referrals", "Referrals received in the period (each once)."),
            Accepted => count(
                "Accepted",
                "Referrals first accepted by a service in the period, or started there with no acceptance before: the dashboards' demand (each once).",
            ),
            WaitListed => count("Wait-listed", "Referrals put on a service's waiting list in the period (each once)."),
            DeclinedForCapacity => count("Declined for capacity", "Referrals a service declined for lack of capacity in the period (each once)."),
            DeclinedForCapability => count(
                "Declined for capability",
                "Referrals a service declined in the period because it lacked a capability the person needed (each once).",
            ),
            Started => count("Started", "Referrals that started at a service in the period (each once)."),
            Completed => count("Completed", "Referrals that completed in the period (each once)."),
            DidNotAttend => count("Did not attend", "Referrals closed as did-not-attend in the period (each once)."),
            Withdrawn => count("Withdrawn", "Referrals withdrawn in the period (each once)."),
            WaitMedian => MeasureInfo {
                label: "Median wait",
                unit: "days",
                rule: Rule::StatisticOfPeople,
                definition: "Median days from first acceptance or wait-listing to start, for referrals started in the period (nearest rank), as on the dashboards.",
            },
            WaitP90 => MeasureInfo {
                label: "90th percentile wait",
                unit: "days",
                rule: Rule::StatisticOfPeople,
                definition: "The 90th percentile of the same waits (nearest rank).",
            },
        }
    }
}

/// What a dimension is, for the catalogue.
pub struct DimensionInfo {
    pub label: &'static str,
    pub definition: &'static str,
}

impl Dimension {
    pub fn info(self) -> DimensionInfo {
        use Dimension::*;
        let (label, definition) = match self {
            Week => ("Week", "The week (from Monday) of the day counted; a value is its first day."),
            Month => ("Month", "The calendar month of the day counted, `YYYY-MM`."),
            Quarter => ("Quarter", "The calendar quarter of the day counted, `YYYY-Qn`."),
            Icb => ("ICB", "The ICB the person lives in (ONS code)."),
            LocalAuthority => ("Local authority", "The local authority the person lives in (ONS code)."),
            Ward => ("Ward", "The ward the person lives in (ONS code)."),
            Pcn => ("PCN", "The primary care network of the person's ward (ODS code)."),
            GatewayKind => ("Gateway kind", "The kind of gateway the referral came through."),
            Need => ("Need", "A need of the referral; a referral with two needs counts under each."),
            AgeBand => ("Age band", "The person's age band."),
            PreferredLanguage => ("Preferred language", "The person's preferred language (ISO 639); English where none is given."),
            MissingCapability => (
                "Missing capability",
                "The capability a service lacked, for declines for capability (`kind:code`); empty for every other figure.",
            ),
            OrganisationKind => ("Organisation kind", "The kind of organisation running the service concerned."),
            Service => ("Service", "The service concerned; empty for referrals not yet at one."),
        };
        DimensionInfo { label, definition }
    }

    /// Whether it places the figure in an area below England (the
    /// disclosure rule's "below national level").
    pub fn is_geographic(self) -> bool {
        matches!(
            self,
            Dimension::Icb
                | Dimension::LocalAuthority
                | Dimension::Ward
                | Dimension::Pcn
                | Dimension::Service
        )
    }

    /// Whether `value` can be a key of this dimension: a code of a coded
    /// dimension; any text for areas, PCNs and services, whose keys are
    /// their codes and ids.
    pub fn accepts(self, value: &str) -> bool {
        use super::codes::{AgeBand, GatewayKind, Need, OrganisationKind};
        match self {
            Dimension::Need => Need::parse(value).is_some(),
            Dimension::AgeBand => AgeBand::parse(value).is_some(),
            Dimension::GatewayKind => GatewayKind::parse(value).is_some(),
            Dimension::OrganisationKind => OrganisationKind::parse(value).is_some(),
            Dimension::PreferredLanguage => {
                super::language::LanguageCode::parse("filters", value).is_ok()
            }
            _ => !value.is_empty(),
        }
    }

    pub fn is_time(self) -> bool {
        matches!(
            self,
            Dimension::Week | Dimension::Month | Dimension::Quarter
        )
    }
}

/// Up to this many dimensions in one question.
pub const MAX_DIMENSIONS: usize = 3;
/// A question's window spans at most this many days (two years).
pub const MAX_WINDOW_DAYS: i64 = 731;
/// Values one filter may list.
pub const MAX_FILTER_VALUES: usize = 50;

/// Only figures whose dimension takes one of `values`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Filter {
    pub dimension: Dimension,
    pub values: Vec<String>,
}

/// A researcher's question, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Question {
    pub measures: Vec<Measure>,
    pub dimensions: Vec<Dimension>,
    pub filters: Vec<Filter>,
    #[serde(skip)]
    pub window: Window,
}

impl Question {
    pub fn new(
        measures: Vec<Measure>,
        dimensions: Vec<Dimension>,
        filters: Vec<Filter>,
        window: Window,
    ) -> Result<Self, Invalid> {
        if measures.is_empty() {
            return Err(Invalid::new("measures", "ask for at least one measure"));
        }
        if has_duplicates(&measures) {
            return Err(Invalid::new("measures", "a measure is asked for twice"));
        }
        if dimensions.len() > MAX_DIMENSIONS {
            return Err(Invalid::new(
                "dimensions",
                format!("at most {MAX_DIMENSIONS} dimensions in one question"),
            ));
        }
        if has_duplicates(&dimensions) {
            return Err(Invalid::new("dimensions", "a dimension is asked for twice"));
        }
        if dimensions.iter().filter(|d| d.is_time()).count() > 1 {
            return Err(Invalid::new(
                "dimensions",
                "one of week, month and quarter at a time",
            ));
        }
        if window.days() > MAX_WINDOW_DAYS {
            return Err(Invalid::new(
                "window",
                format!("a window of at most {MAX_WINDOW_DAYS} days"),
            ));
        }
        for f in &filters {
            if f.values.is_empty() || f.values.len() > MAX_FILTER_VALUES {
                return Err(Invalid::new(
                    "filters",
                    format!("a filter lists 1 to {MAX_FILTER_VALUES} values"),
                ));
            }
            if f.dimension.is_time() {
                return Err(Invalid::new(
                    "filters",
                    "narrow the time by the window, not a filter",
                ));
            }
        }
        for f in &filters {
            if let Some(bad) = f.values.iter().find(|v| !f.dimension.accepts(v)) {
                return Err(Invalid::new(
                    "filters",
                    format!(
                        "{bad:?} is not a {} (see analyticsCatalogue)",
                        f.dimension.info().label.to_lowercase()
                    ),
                ));
            }
        }
        if has_duplicates(&filters.iter().map(|f| f.dimension).collect::<Vec<_>>()) {
            return Err(Invalid::new("filters", "one filter per dimension"));
        }
        Ok(Question {
            measures,
            dimensions,
            filters,
            window,
        })
    }

    /// Whether every figure is for England as a whole: no area, PCN or
    /// service in a dimension or a filter, and nothing but time to break
    /// it down by. Anything else is below national level.
    pub fn is_national(&self) -> bool {
        self.dimensions.iter().all(|d| d.is_time()) && self.filters.is_empty()
    }
}

/// One period of a time dimension, clipped to the question's window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    /// The period it sits in whose total another answer gives: a month's
    /// quarter.
    pub within: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn quarter_of(day: NaiveDate) -> String {
    format!("{}-Q{}", day.year(), (day.month() - 1) / 3 + 1)
}

/// The periods of a time dimension that meet the window, in order.
pub fn periods(dimension: Dimension, window: &Window) -> Vec<Period> {
    let (from, to) = (window.from(), window.to());
    let first = |day: NaiveDate, months: u32| {
        let month0 = (day.month() - 1) / months * months;
        NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).expect("the first of a month")
    };
    let mut start = match dimension {
        Dimension::Week => from - Duration::days(i64::from(from.weekday().num_days_from_monday())),
        Dimension::Month => first(from, 1),
        Dimension::Quarter => first(from, 3),
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    while start < to {
        let end = match dimension {
            Dimension::Week => start + Duration::days(7),
            Dimension::Month => start + Months::new(1),
            _ => start + Months::new(3),
        };
        let (label, within) = match dimension {
            Dimension::Week => (start.to_string(), None),
            Dimension::Month => (start.format("%Y-%m").to_string(), Some(quarter_of(start))),
            _ => (quarter_of(start), None),
        };
        out.push(Period {
            label,
            within,
            from: start.max(from),
            to: end.min(to),
        });
        start = end;
    }
    out
}

fn has_duplicates<T: Ord + Clone>(items: &[T]) -> bool {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(days: i64) -> Window {
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a day");
        Window::parse(from, from + chrono::Duration::days(days)).expect("a window")
    }

    #[test]
    fn a_question_names_a_measure_and_at_most_three_dimensions_once_each() {
        use Dimension::*;
        let ok = Question::new(
            vec![Measure::Accepted],
            vec![Month, Icb, Need],
            vec![],
            window(365),
        );
        assert!(ok.is_ok());
        let field = |r: Result<Question, Invalid>| r.err().map(|e| e.field);
        assert_eq!(
            field(Question::new(vec![], vec![], vec![], window(30))),
            Some("measures".into())
        );
        assert_eq!(
            field(Question::new(
                vec![Measure::Accepted],
                vec![Month, Icb, Need, Ward],
                vec![],
                window(30)
            )),
            Some("dimensions".into())
        );
        assert_eq!(
            field(Question::new(
                vec![Measure::Accepted],
                vec![Month, Week],
                vec![],
                window(30)
            )),
            Some("dimensions".into())
        );
        assert_eq!(
            field(Question::new(
                vec![Measure::Accepted],
                vec![],
                vec![],
                window(800)
            )),
            Some("window".into())
        );
        let empty = Filter {
            dimension: AgeBand,
            values: vec![],
        };
        assert_eq!(
            field(Question::new(
                vec![Measure::Accepted],
                vec![],
                vec![empty],
                window(30)
            )),
            Some("filters".into())
        );
    }

    #[test]
    fn only_a_question_about_england_as_a_whole_is_national() {
        let q = |dims, filters| {
            Question::new(vec![Measure::Referrals], dims, filters, window(30)).expect("valid")
        };
        assert!(q(vec![Dimension::Month], vec![]).is_national());
        assert!(!q(vec![Dimension::Need], vec![]).is_national());
        let filter = Filter {
            dimension: Dimension::Need,
            values: vec!["dementia".into()],
        };
        assert!(!q(vec![], vec![filter]).is_national());
    }

    #[test]
    fn months_sit_in_their_quarters_and_periods_are_clipped_to_the_window() {
        let from = NaiveDate::from_ymd_opt(2026, 2, 10).expect("a day");
        let to = NaiveDate::from_ymd_opt(2026, 4, 5).expect("a day");
        let w = Window::parse(from, to).expect("a window");
        let months = periods(Dimension::Month, &w);
        let labels: Vec<_> = months
            .iter()
            .map(|p| (p.label.as_str(), p.within.as_deref()))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("2026-02", Some("2026-Q1")),
                ("2026-03", Some("2026-Q1")),
                ("2026-04", Some("2026-Q2"))
            ]
        );
        assert_eq!((months[0].from, months[2].to), (from, to));
        let weeks = periods(Dimension::Week, &w);
        assert_eq!(weeks[0].label, "2026-02-09", "weeks start on Monday");
        assert_eq!(
            weeks
                .iter()
                .map(|p| (p.to - p.from).num_days())
                .sum::<i64>(),
            w.days()
        );
        assert_eq!(periods(Dimension::Quarter, &w).len(), 2);
    }

    #[test]
    fn every_measure_and_dimension_says_what_it_is() {
        for m in Measure::ALL {
            assert!(!m.info().definition.is_empty());
        }
        for d in Dimension::ALL {
            assert!(!d.info().label.is_empty());
        }
    }
}
