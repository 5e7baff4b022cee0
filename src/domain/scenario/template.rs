//! Gateway staff as demand: how many new people a member of staff of each
//! gateway kind sees a week, with the published figure (and its source)
//! where one exists, and the figure the scenario must state where none
//! does. Every default here is reported with each run that used it.

use serde::{Deserialize, Serialize};

use super::change::positive;
use crate::domain::codes::GatewayKind;
use crate::domain::money::Pence;
use crate::domain::Invalid;

/// 365.25 ÷ 7.
pub const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

/// People a full-time link worker supports in a year.
pub const LINK_WORKER_PEOPLE_PER_YEAR: f64 = 225.0;
pub const LINK_WORKER_PEOPLE_SOURCE: &str = "the middle of the 200 to 250 people a year in NHS England's reference guide for social prescribing link workers in primary care networks";
/// What a full-time link worker costs a year, in pence.
pub const LINK_WORKER_COST_PER_YEAR: Pence = Pence::from_pence(4_015_900);
pub const LINK_WORKER_COST_SOURCE: &str = "the Additional Roles Reimbursement Scheme's maximum reimbursable amount for a social prescribing link worker, £40,159 over 12 months (Network Contract DES, as quoted by the North East and North Cumbria primary care training hub)";

/// The most staff one change may add.
pub const MAX_STAFF: f64 = 10_000.0;
const MAX_PEOPLE_PER_YEAR: f64 = 100_000.0;

/// How one gateway kind's staff turn into people seen a week.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum StaffTemplate {
    /// Social prescribing link workers: full-time equivalents × people a
    /// year each.
    LinkWorkers { people_per_year: f64 },
    /// Local Area Co-ordinators: people supported at a time by each, over
    /// a mean length of support.
    LocalAreaCoordinators {
        people_at_a_time: f64,
        support_weeks: f64,
    },
    /// Community Health Champions: people each reaches a year.
    CommunityHealthChampions { people_per_year: f64 },
    /// Health Trainers: people each reaches a year.
    HealthTrainers { people_per_year: f64 },
}

/// A gateway template's figures as stated (or not) by the caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stated {
    pub people_per_year: Option<f64>,
    pub people_at_a_time: Option<f64>,
    pub support_weeks: Option<f64>,
}

impl StaffTemplate {
    /// The template for `kind`, taking each figure as stated or its
    /// default; BAD_USER_INPUT naming the figure where there is no
    /// published default and none was stated.
    pub fn parse(field: &str, kind: GatewayKind, stated: Stated) -> Result<Self, Invalid> {
        let people_per_year = |default: Option<f64>| -> Result<f64, Invalid> {
            let f = format!("{field}.peoplePerYear");
            match stated.people_per_year.or(default) {
                Some(v) => positive(&f, v, MAX_PEOPLE_PER_YEAR, "people a year"),
                None => Err(Invalid::new(
                    f,
                    format!("no published figure exists for {kind}; state the people each reaches a year"),
                )),
            }
        };
        Ok(match kind {
            GatewayKind::SocialPrescribing => StaffTemplate::LinkWorkers {
                people_per_year: people_per_year(Some(LINK_WORKER_PEOPLE_PER_YEAR))?,
            },
            GatewayKind::CommunityHealthChampions => StaffTemplate::CommunityHealthChampions {
                people_per_year: people_per_year(None)?,
            },
            GatewayKind::HealthTrainers => StaffTemplate::HealthTrainers {
                people_per_year: people_per_year(None)?,
            },
            GatewayKind::LocalAreaCoordination => {
                let need = |v: Option<f64>, name: &str, what: &str, hi: f64| {
                    let f = format!("{field}.{name}");
                    match v {
                        Some(v) => positive(&f, v, hi, what),
                        None => Err(Invalid::new(
                            f,
                            format!("no published figure exists for Local Area Co-ordination; state {what}"),
                        )),
                    }
                };
                StaffTemplate::LocalAreaCoordinators {
                    people_at_a_time: need(
                        stated.people_at_a_time,
                        "peopleAtATime",
                        "the people each supports at a time",
                        MAX_PEOPLE_PER_YEAR,
                    )?,
                    support_weeks: need(
                        stated.support_weeks,
                        "supportWeeks",
                        "the mean weeks of support",
                        520.0,
                    )?,
                }
            }
            GatewayKind::SelfReferral | GatewayKind::Other => {
                return Err(Invalid::new(
                    format!("{field}.kind"),
                    format!("{kind} has no staff to add; add extra demand instead"),
                ))
            }
        })
    }

    pub fn kind(self) -> GatewayKind {
        match self {
            StaffTemplate::LinkWorkers { .. } => GatewayKind::SocialPrescribing,
            StaffTemplate::LocalAreaCoordinators { .. } => GatewayKind::LocalAreaCoordination,
            StaffTemplate::CommunityHealthChampions { .. } => GatewayKind::CommunityHealthChampions,
            StaffTemplate::HealthTrainers { .. } => GatewayKind::HealthTrainers,
        }
    }

    /// New people one member of staff sees a week. A coordinator with n
    /// people at a time, each supported for L weeks, takes on n ÷ L a week
    /// (Little's law again).
    pub fn people_per_week(self) -> f64 {
        match self {
            StaffTemplate::LinkWorkers { people_per_year }
            | StaffTemplate::CommunityHealthChampions { people_per_year }
            | StaffTemplate::HealthTrainers { people_per_year } => people_per_year / WEEKS_PER_YEAR,
            StaffTemplate::LocalAreaCoordinators {
                people_at_a_time,
                support_weeks,
            } => people_at_a_time / support_weeks,
        }
    }

    /// The published cost of a member of staff a year, where there is one.
    pub fn default_cost_per_year(self) -> Option<(Pence, &'static str)> {
        match self {
            StaffTemplate::LinkWorkers { .. } => {
                Some((LINK_WORKER_COST_PER_YEAR, LINK_WORKER_COST_SOURCE))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_worker_sees_225_people_a_year_unless_told_otherwise() {
        let t =
            StaffTemplate::parse("c", GatewayKind::SocialPrescribing, Stated::default()).unwrap();
        assert!((t.people_per_week() * WEEKS_PER_YEAR - 225.0).abs() < 1e-9);
        let t = StaffTemplate::parse(
            "c",
            GatewayKind::SocialPrescribing,
            Stated {
                people_per_year: Some(250.0),
                ..Stated::default()
            },
        )
        .unwrap();
        assert!((t.people_per_week() * WEEKS_PER_YEAR - 250.0).abs() < 1e-9);
    }

    #[test]
    fn champions_and_coordinators_must_state_their_figures() {
        let e = StaffTemplate::parse(
            "changes.0.gatewayStaff",
            GatewayKind::CommunityHealthChampions,
            Stated::default(),
        )
        .unwrap_err();
        assert_eq!(e.field, "changes.0.gatewayStaff.peoplePerYear");
        let e = StaffTemplate::parse(
            "c",
            GatewayKind::LocalAreaCoordination,
            Stated {
                people_at_a_time: Some(50.0),
                ..Stated::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "c.supportWeeks");
    }

    #[test]
    fn a_coordinator_takes_on_their_caseload_over_its_length() {
        let t = StaffTemplate::LocalAreaCoordinators {
            people_at_a_time: 60.0,
            support_weeks: 30.0,
        };
        assert_eq!(t.people_per_week(), 2.0);
    }
}
