//! What a scenario changes, parsed: a scenario's settings and its list of
//! changes, each on a schedule. Every number is checked here, naming its
//! field, before anything is stored or run.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::schedule::Schedule;
use super::template::StaffTemplate;
use super::Horizon;
use crate::domain::capability::{Capability, CapabilityKind};
use crate::domain::codes::{AgeBand, Need};
use crate::domain::metrics::Window;
use crate::domain::money::Pence;
use crate::domain::Invalid;

/// The most replications a run may draw.
pub const MAX_REPLICATIONS: u32 = 1000;
/// Replications when a scenario states none.
pub const DEFAULT_REPLICATIONS: u32 = 200;
/// Changes one scenario may hold.
pub const MAX_CHANGES: usize = 50;
/// The utilisation funding aims for when a scenario states none: 85%
/// leaves room for the week-to-week swing in arrivals.
pub const DEFAULT_TARGET_UTILISATION: f64 = 0.85;
/// Weeks in which relief capacity clears a backlog, unless stated.
pub const DEFAULT_RELIEF_WEEKS: u32 = 12;
/// How far people travel to a service, unless stated: the link worker
/// search's own default.
pub const DEFAULT_MAX_DISTANCE_KM: f64 = 5.0;
/// Weeks of baseline, unless stated.
pub const DEFAULT_BASELINE_WEEKS: i64 = 12;
/// The fewest days a stated baseline holds: a whole week, so that every
/// day of the week is in it (one day's referrals would be taken as a
/// seventh of a week's).
pub const MIN_BASELINE_DAYS: i64 = 7;

/// A baseline is history: it ends by today (today its last day at the
/// latest) and holds at least a week. A baseline in the future holds no
/// referral and would project every service as idle.
pub fn check_baseline(baseline: &Window, today: NaiveDate) -> Result<(), Invalid> {
    if baseline.to() > today + Duration::days(1) {
        return Err(Invalid::new(
            "baseline",
            format!(
                "is the history a scenario starts from, so it ends by today ({today}); this one runs to {}",
                baseline.last_day()
            ),
        ));
    }
    if baseline.days() < MIN_BASELINE_DAYS {
        return Err(Invalid::new(
            "baseline",
            format!(
                "must hold at least {MIN_BASELINE_DAYS} days (a whole week); this one holds {}",
                baseline.days()
            ),
        ));
    }
    Ok(())
}

/// A scenario's settings and changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub horizon: Horizon,
    pub replications: u32,
    pub seed: u64,
    /// The utilisation funding needed aims at, 0 to 1.
    pub target_utilisation: f64,
    /// Weeks in which relief capacity clears a projected backlog.
    pub relief_weeks: u32,
    /// When set, a service's new arrivals go on to the next service that
    /// can take them once its projected wait passes this many days.
    pub spill_over_wait_days: Option<f64>,
    pub max_distance_km: f64,
    /// A place whose services are projected and reported even where no
    /// change reaches them (the area a commissioner is planning for).
    pub area: Option<Place>,
    pub changes: Vec<Change>,
}

/// Where extra demand comes from: a ward, a local authority or ICB (by area
/// id), or a PCN (the wards of its practices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    Area(i64),
    Pcn(i64),
}

/// Who the extra people are, each part summing to 1. An empty part is
/// taken from the history of the area (see `demand`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mix {
    pub age_bands: Vec<(AgeBand, f64)>,
    /// Preferred languages (ISO 639 codes; `en` for English).
    pub languages: Vec<(String, f64)>,
    /// Capabilities every one of them needs.
    pub required: Vec<Capability>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub schedule: Schedule,
    pub what: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChangeKind {
    /// Referrals per week for a need, from a place.
    ExtraDemand {
        place: Place,
        need: Need,
        per_week: f64,
        mix: Mix,
    },
    /// Gateway staff: people they see become onward referrals at the rate
    /// history shows for that gateway kind.
    GatewayStaff {
        place: Place,
        template: StaffTemplate,
        staff: f64,
        /// Cost of one member of staff a year; the template's default
        /// where it has one.
        cost_per_year: Option<Pence>,
        /// The share of people seen who go on to a community service, 0
        /// to 1; the baseline's rate for the gateway kind where unstated.
        #[serde(default)]
        onward_rate: Option<f64>,
    },
    /// Places per week (and caseload places) added to, or taken from, a
    /// service.
    Capacity {
        service_id: i64,
        places_per_week: f64,
        caseload: f64,
    },
    /// A service that does not exist yet.
    NewService(NewService),
    /// A new award; given to a service with a unit cost it buys places.
    Funding {
        organisation_id: i64,
        service_id: Option<i64>,
        amount: Pence,
    },
    /// A gateway's referrals cut by a share (1 ends it).
    GatewayReduced { gateway_id: i64, share: f64 },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewService {
    pub name: String,
    pub organisation_id: i64,
    pub ward_id: i64,
    pub needs: Vec<Need>,
    pub capabilities: Vec<Capability>,
    pub places_per_week: f64,
    pub caseload: f64,
    pub episode_weeks: Option<f64>,
    pub unit_cost: Option<Pence>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
}

impl ChangeKind {
    /// The field name of the change's kind, as the API spells it.
    pub fn field(&self) -> &'static str {
        match self {
            ChangeKind::ExtraDemand { .. } => "extraDemand",
            ChangeKind::GatewayStaff { .. } => "gatewayStaff",
            ChangeKind::Capacity { .. } => "capacity",
            ChangeKind::NewService(_) => "newService",
            ChangeKind::Funding { .. } => "funding",
            ChangeKind::GatewayReduced { .. } => "gatewayReduced",
        }
    }
}

/// A number from `lo` to `hi`, both included, and finite.
pub fn within(field: &str, value: f64, lo: f64, hi: f64, what: &str) -> Result<f64, Invalid> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("{what} must be from {lo} to {hi}; got {value}"),
        ))
    }
}

/// A number above 0, at most `hi`.
pub fn positive(field: &str, value: f64, hi: f64, what: &str) -> Result<f64, Invalid> {
    if value.is_finite() && value > 0.0 && value <= hi {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("{what} must be more than 0 and at most {hi}; got {value}"),
        ))
    }
}

/// Shares of a mix: each 0 to 1, no key twice, summing to 1 (within a
/// rounding of 0.001), normalised exactly.
pub fn shares<K: PartialEq + Clone>(
    field: &str,
    parts: Vec<(K, f64)>,
) -> Result<Vec<(K, f64)>, Invalid> {
    for (i, (k, s)) in parts.iter().enumerate() {
        within(&format!("{field}.{i}.share"), *s, 0.0, 1.0, "a share")?;
        if parts[..i].iter().any(|(other, _)| other == k) {
            return Err(Invalid::new(
                format!("{field}.{i}"),
                "appears twice in the mix",
            ));
        }
    }
    if parts.is_empty() {
        return Ok(parts);
    }
    let total: f64 = parts.iter().map(|(_, s)| s).sum();
    if (total - 1.0).abs() > 1e-3 {
        return Err(Invalid::new(
            field,
            format!("the shares must sum to 1; they sum to {total}"),
        ));
    }
    Ok(parts.into_iter().map(|(k, s)| (k, s / total)).collect())
}

impl Mix {
    /// The capabilities a person with this preferred language needs: a
    /// language other than English is required.
    pub fn language_requirement(language: &str) -> Option<Capability> {
        (language != "en").then(|| Capability {
            kind: CapabilityKind::Language,
            code: language.to_owned(),
        })
    }
}

impl Definition {
    /// Checks what depends on more than one field: the number of changes
    /// and each change's own numbers.
    pub fn check(self) -> Result<Self, Invalid> {
        if self.changes.len() > MAX_CHANGES {
            return Err(Invalid::new(
                "changes",
                format!("a scenario holds at most {MAX_CHANGES} changes"),
            ));
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a day")
    }

    #[test]
    fn a_baseline_is_a_week_or_more_of_history() {
        let today = day(2026, 12, 7);
        let window = |from, to| Window::parse(from, to).expect("a window");
        // The twelve weeks to today, today included.
        let ok = window(day(2026, 9, 15), day(2026, 12, 8));
        assert_eq!(check_baseline(&ok, today), Ok(()));
        let future = window(day(2030, 1, 1), day(2030, 3, 26));
        assert_eq!(
            check_baseline(&future, today).map_err(|e| e.field),
            Err("baseline".into())
        );
        let tomorrow = window(day(2026, 11, 9), day(2026, 12, 9));
        assert!(
            check_baseline(&tomorrow, today).is_err(),
            "tomorrow is not history"
        );
        let one_day = window(day(2026, 11, 1), day(2026, 11, 2));
        assert_eq!(
            check_baseline(&one_day, today).map_err(|e| e.field),
            Err("baseline".into())
        );
        let a_week = window(day(2026, 11, 1), day(2026, 11, 8));
        assert_eq!(check_baseline(&a_week, today), Ok(()));
    }

    use super::*;

    #[test]
    fn shares_must_sum_to_one_and_name_the_part_that_is_wrong() {
        let ok = shares("mix.ageBands", vec![("a", 0.25), ("b", 0.75)]).unwrap();
        assert_eq!(ok, [("a", 0.25), ("b", 0.75)]);
        assert_eq!(
            shares("mix.ageBands", vec![("a", 0.5), ("b", 0.2)])
                .unwrap_err()
                .field,
            "mix.ageBands"
        );
        assert_eq!(
            shares("mix.ageBands", vec![("a", 1.5)]).unwrap_err().field,
            "mix.ageBands.0.share"
        );
        assert_eq!(
            shares("m", vec![("a", 0.5), ("a", 0.5)]).unwrap_err().field,
            "m.1"
        );
    }

    #[test]
    fn numbers_out_of_range_or_not_finite_are_refused() {
        assert!(positive("staff", -1.0, 100.0, "staff").is_err());
        assert!(positive("staff", 0.0, 100.0, "staff").is_err());
        assert!(positive("staff", f64::NAN, 100.0, "staff").is_err());
        assert_eq!(positive("staff", 3.0, 100.0, "staff").unwrap(), 3.0);
        assert!(within("t", 1.01, 0.1, 1.0, "a target").is_err());
    }

    #[test]
    fn only_a_language_other_than_english_is_required() {
        assert_eq!(Mix::language_requirement("en"), None);
        assert_eq!(
            Mix::language_requirement("syl").unwrap().kind,
            CapabilityKind::Language
        );
    }
}
