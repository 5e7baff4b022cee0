//! Researchers' questions: the measures and dimensions an aggregate
//! question may use (a whitelist: the SQL is built from these codes, never
//! from text a caller sends), what each means, and the checks a question
//! passes before anything runs. Every measure is a count of referrals or a
//! statistic over them, each under its disclosure rule
//! (`domain::disclosure`).

use chrono::{Datelike, Duration, Months, NaiveDate};

use super::codes::coded_enum;
use super::disclosure::{Rule, Shown};
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
        CapacityPlaces = "capacity_places",
        Utilisation = "utilisation",
        ContributionHours = "contribution_hours",
        Funding = "funding",
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

/// What a measure describes, which decides where its figures are placed
/// and what they can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Subject {
    /// The referral lifecycle: placed where the person lives.
    Referrals,
    /// What services and organisations offer and receive (capacity,
    /// contributions, funding): placed where the service is.
    Services,
}

/// What a measure is, for the catalogue.
pub struct MeasureInfo {
    pub label: &'static str,
    pub unit: &'static str,
    pub rule: Rule,
    pub subject: Subject,
    pub definition: &'static str,
}

impl Measure {
    pub fn info(self) -> MeasureInfo {
        use Measure::*;
        let count = |label, definition| MeasureInfo {
            label,
            unit: "referrals",
            rule: Rule::CountOfPeople,
            subject: Subject::Referrals,
            definition,
        };
        let offered = |label, unit, definition| MeasureInfo {
            label,
            unit,
            rule: Rule::NotPeople,
            subject: Subject::Services,
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
                subject: Subject::Referrals,
                definition: "Median days from first acceptance or wait-listing to start, for referrals started in the period (nearest rank), as on the dashboards.",
            },
            WaitP90 => MeasureInfo {
                label: "90th percentile wait",
                unit: "days",
                rule: Rule::StatisticOfPeople,
                subject: Subject::Referrals,
                definition: "The 90th percentile of the same waits (nearest rank).",
            },
            CapacityPlaces => offered(
                "Capacity",
                "places a week",
                "The places a week in force at the services, averaged over the days of the period (zero while a service is paused or closed), summed over services: the dashboards' weekly capacity C.",
            ),
            Utilisation => MeasureInfo {
                label: "Utilisation",
                unit: "share of capacity",
                rule: Rule::RatioOfPeople,
                subject: Subject::Services,
                definition: "As on the dashboards: demand ÷ weekly capacity for services measured in places, mean active caseload ÷ caseload maximum for services measured by caseload, the worse of the two; worked out from the accepted referrals and the mean caseload after rounding, suppressed where they are; empty where there is no capacity.",
            },
            ContributionHours => offered(
                "Contribution hours",
                "hours",
                "Uncommissioned work recorded by organisations (interpreting, accompanying, advocacy, …), its minutes prorated by days to the period, in hours; placed at the organisation's ward, as on the dashboards.",
            ),
            Funding => offered(
                "Funding",
                "£",
                "Funding awards prorated to the period by days of their planned period (365 days from the award date where none is planned), as in the funding gaps; per-referral tariffs are left out, as what they pay counts the people started.",
            ),
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
            Icb => ("ICB", "The ICB the person lives in, or for service measures the service is in (ONS code)."),
            LocalAuthority => (
                "Local authority",
                "The local authority the person lives in, or for service measures the service is in (ONS code).",
            ),
            Ward => (
                "Ward",
                "The ward the person lives in, or for service measures the ward of the service's location, else of its organisation (ONS code).",
            ),
            Pcn => ("PCN", "The primary care network of that ward (ODS code)."),
            GatewayKind => ("Gateway kind", "The kind of gateway the referral came through."),
            Need => (
                "Need",
                "A need of the referral, or for capacity and utilisation a need the service addresses; one with two needs counts under each.",
            ),
            AgeBand => ("Age band", "The person's age band."),
            PreferredLanguage => ("Preferred language", "The person's preferred language (ISO 639); English where none is given."),
            MissingCapability => (
                "Missing capability",
                "The capability a service lacked, for declines for capability (`kind:code`); empty for every other figure.",
            ),
            OrganisationKind => ("Organisation kind", "The kind of organisation running the service concerned."),
            Service => (
                "Service",
                "The service concerned; empty for referrals not yet at one, and for contributions and awards to a whole organisation.",
            ),
        };
        DimensionInfo { label, definition }
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

    /// Whether service measures can be broken down by it: what places a
    /// service, not what describes a person or a referral.
    pub fn describes_services(self) -> bool {
        !matches!(
            self,
            Dimension::GatewayKind
                | Dimension::AgeBand
                | Dimension::PreferredLanguage
                | Dimension::MissingCapability
        )
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
        if measures
            .iter()
            .any(|m| m.info().subject == Subject::Services)
        {
            check_service_question(&measures, &dimensions, &filters)?;
        }
        Ok(Question {
            measures,
            dimensions,
            filters,
            window,
        })
    }

    pub fn subject(&self) -> Subject {
        self.measures
            .first()
            .map_or(Subject::Referrals, |m| m.info().subject)
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

/// Utilisation as a researcher sees it: the dashboards' definition
/// (`metrics::overview::utilisation`) over the accepted referrals and the
/// mean active caseload as shown (rounded), so that it gives away no more
/// than they do; suppressed where a count it uses is, empty where there is
/// no capacity.
pub fn shown_utilisation(
    accepted: Shown,
    weeks: f64,
    capacity: f64,
    caseload: Shown,
    caseload_capacity: f64,
) -> Shown {
    let uses = [
        (accepted, capacity > 0.0),
        (caseload, caseload_capacity > 0.0),
    ];
    if let Some((hidden, _)) = uses.iter().find(|(s, used)| *used && s.is_suppressed()) {
        return *hidden;
    }
    let value = |s: Shown| match s {
        Shown::Value(v) => v,
        _ => 0.0,
    };
    if weeks <= 0.0 || (capacity <= 0.0 && caseload_capacity <= 0.0) {
        return Shown::Empty;
    }
    super::metrics::overview::utilisation(
        value(accepted) / weeks,
        capacity,
        value(caseload),
        caseload_capacity,
    )
    .ratio()
    .map_or(Shown::Empty, Shown::Value)
}

/// Hours from `(Σ minutes × days inside, days)` terms, prorated exactly.
pub fn prorated_hours(terms: impl IntoIterator<Item = (i64, i64)>) -> f64 {
    use num_traits::ToPrimitive;
    super::metrics::funding::sum_fractions(terms)
        .to_f64()
        .unwrap_or(0.0)
        / 60.0
}

/// Pounds from `(Σ pence × days inside, days)` terms: prorated exactly,
/// rounded once to whole pence, half to even, as the funding gaps are.
pub fn prorated_pounds(terms: impl IntoIterator<Item = (i64, i64)>) -> f64 {
    use super::metrics::funding::{round_half_even, sum_fractions};
    round_half_even(&sum_fractions(terms)) as f64 / 100.0
}

/// Service measures place a figure where the service is, referral
/// measures where the person lives, so one question asks one kind; and
/// they break down only by what places a service (contributions and
/// awards are to organisations and services, not to needs).
fn check_service_question(
    measures: &[Measure],
    dimensions: &[Dimension],
    filters: &[Filter],
) -> Result<(), Invalid> {
    if let Some(m) = measures
        .iter()
        .find(|m| m.info().subject == Subject::Referrals)
    {
        return Err(Invalid::new(
            "measures",
            format!(
                "{} counts referrals where the person lives and the others describe services where they are: ask them in separate questions",
                m.info().label.to_lowercase()
            ),
        ));
    }
    let by_need = |d: Dimension| {
        d == Dimension::Need
            && measures
                .iter()
                .any(|m| matches!(m, Measure::ContributionHours | Measure::Funding))
    };
    let refused = |d: Dimension| !d.describes_services() || by_need(d);
    let why = |d: Dimension| {
        format!(
            "service measures cannot be broken down by {}{}",
            d.info().label.to_lowercase(),
            if by_need(d) {
                " (contributions and funding are not given for a need)"
            } else {
                ""
            }
        )
    };
    if let Some(d) = dimensions.iter().find(|d| refused(**d)) {
        return Err(Invalid::new("dimensions", why(*d)));
    }
    if let Some(f) = filters.iter().find(|f| refused(f.dimension)) {
        return Err(Invalid::new("filters", why(f.dimension)));
    }
    Ok(())
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
    fn a_question_about_services_asks_nothing_about_people_or_referrals() {
        let q = |measures: Vec<Measure>, dims: Vec<Dimension>| {
            Question::new(measures, dims, vec![], window(30)).map_err(|e| e.field)
        };
        use Dimension::*;
        assert!(q(
            vec![Measure::CapacityPlaces, Measure::Utilisation],
            vec![Month, Ward, Need]
        )
        .is_ok());
        assert_eq!(
            q(vec![Measure::CapacityPlaces, Measure::Accepted], vec![]).err(),
            Some("measures".into())
        );
        assert_eq!(
            q(vec![Measure::Funding], vec![AgeBand]).err(),
            Some("dimensions".into())
        );
        assert_eq!(
            q(vec![Measure::ContributionHours], vec![Need]).err(),
            Some("dimensions".into())
        );
        let by_gateway = Filter {
            dimension: GatewayKind,
            values: vec!["social_prescribing".into()],
        };
        assert_eq!(
            Question::new(
                vec![Measure::CapacityPlaces],
                vec![],
                vec![by_gateway],
                window(30)
            )
            .err()
            .map(|e| e.field),
            Some("filters".into())
        );
    }

    #[test]
    fn utilisation_is_worked_out_from_the_counts_as_shown_and_hidden_with_them() {
        let hidden = Shown::Suppressed { secondary: false };
        // 12 accepted over 2 weeks show as 10: 5 a week against 20 places.
        assert_eq!(
            shown_utilisation(Shown::Value(10.0), 2.0, 20.0, Shown::Value(0.0), 0.0),
            Shown::Value(0.25)
        );
        assert_eq!(
            shown_utilisation(hidden, 2.0, 20.0, Shown::Value(0.0), 0.0),
            hidden
        );
        // A hidden caseload does not matter to a service with no caseload.
        assert_eq!(
            shown_utilisation(Shown::Value(10.0), 2.0, 20.0, hidden, 0.0),
            Shown::Value(0.25)
        );
        // The worse of places and caseload: 15 on a caseload of 10.
        assert_eq!(
            shown_utilisation(Shown::Value(10.0), 2.0, 20.0, Shown::Value(15.0), 10.0),
            Shown::Value(1.5)
        );
        assert_eq!(
            shown_utilisation(Shown::Value(10.0), 2.0, 0.0, Shown::Value(0.0), 0.0),
            Shown::Empty
        );
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
