//! What a commissioner sends to write a scenario, and its parsing into a
//! `Draft`: every number, share and schedule is checked here, naming its
//! field (`changes.2.gatewayStaff.staff`), before anything is stored.

use async_graphql::{InputObject, ID};

use crate::app::scenarios::Draft;
use crate::domain::age::AgeRange;
use crate::domain::bounds::{Money, Text};
use crate::domain::capability::Capability;
use crate::domain::codes::{self, AgeBand as DomainAgeBand};
use crate::domain::language::LanguageCode;
use crate::domain::money::Pence as DomainPence;
use crate::domain::scenario::change::{
    self as change, Change, ChangeKind, Definition, Mix, NewService, Place,
};
use crate::domain::scenario::schedule::Schedule;
use crate::domain::scenario::template::{StaffTemplate, Stated, MAX_STAFF};
use crate::domain::scenario::{Horizon, DEFAULT_HORIZON_WEEKS};
use crate::domain::text;
use crate::error::AppError;
use crate::graphql::enums::{AgeBand, GatewayKind, NeedCode};
use crate::graphql::ids::decode_as;
use crate::graphql::inputs::{needs, CapabilityInput};
use crate::graphql::metrics::WindowInput;
use crate::graphql::scalars::Pence;

/// The most people a week one change may add.
const MAX_PER_WEEK: f64 = 100_000.0;
/// The most places a week (or caseload places) one change may add or take.
const MAX_PLACES: f64 = 10_000.0;
/// The longest wait a spill-over limit may state, in days.
const MAX_WAIT_DAYS: f64 = 730.0;

/// A scenario: its settings and its changes.
#[derive(InputObject)]
pub struct ScenarioInput {
    pub name: String,
    pub description: Option<String>,
    /// The weeks whose demand, capacity and history the projection starts
    /// from: the 12 weeks to today when left out.
    pub baseline: Option<WindowInput>,
    /// Weeks to look ahead: 1 to 104.
    #[graphql(default_with = "DEFAULT_HORIZON_WEEKS as i32")]
    pub horizon_weeks: i32,
    /// Futures drawn with random (Poisson) arrivals for the bands: 0 to
    /// 1,000.
    #[graphql(default_with = "change::DEFAULT_REPLICATIONS as i32")]
    pub replications: i32,
    /// The random seed: the same seed gives the same bands.
    #[graphql(default = 1)]
    pub seed: i32,
    /// The utilisation funding needed aims for: above 0, at most 1.
    #[graphql(default_with = "change::DEFAULT_TARGET_UTILISATION")]
    pub target_utilisation: f64,
    /// Weeks in which relief capacity clears a projected backlog.
    #[graphql(default_with = "change::DEFAULT_RELIEF_WEEKS as i32")]
    pub relief_weeks: i32,
    /// When set, a service whose projected wait passes this many days
    /// passes that week's new arrivals on to the next service that fits.
    pub spill_over_wait_days: Option<f64>,
    /// How far people travel to a service, in km.
    #[graphql(default_with = "change::DEFAULT_MAX_DISTANCE_KM")]
    pub max_distance_km: f64,
    /// A place whose services are reported even where no change reaches
    /// them.
    pub area: Option<PlaceInput>,
    #[graphql(default)]
    pub changes: Vec<ChangeInput>,
}

/// A ward, local authority or ICB (`areaId`), or a PCN (`pcnId`): one of
/// the two.
#[derive(InputObject, Clone)]
pub struct PlaceInput {
    pub area_id: Option<ID>,
    pub pcn_id: Option<ID>,
}

/// One change, on a schedule (weeks count from 0, the week after the
/// baseline), with exactly one of its kinds set.
#[derive(InputObject)]
pub struct ChangeInput {
    #[graphql(default)]
    pub start_week: i32,
    /// Weeks to reach full effect (recruitment takes time).
    #[graphql(default)]
    pub ramp_weeks: i32,
    /// The week it stops (funding ends), if it does.
    pub end_week: Option<i32>,
    pub extra_demand: Option<ExtraDemandInput>,
    pub gateway_staff: Option<GatewayStaffInput>,
    pub capacity: Option<CapacityChangeInput>,
    pub new_service: Option<NewServiceInput>,
    pub funding: Option<FundingChangeInput>,
    pub gateway_reduced: Option<GatewayReducedInput>,
}

/// Referrals a week for a need from a place, with who they are where the
/// history of the place should not decide.
#[derive(InputObject)]
pub struct ExtraDemandInput {
    pub place: PlaceInput,
    pub need: NeedCode,
    pub per_week: f64,
    #[graphql(default)]
    pub age_bands: Vec<AgeBandShareInput>,
    #[graphql(default)]
    pub languages: Vec<LanguageShareInput>,
    /// Capabilities every one of them needs.
    #[graphql(default)]
    pub required: Vec<CapabilityInput>,
}

#[derive(InputObject)]
pub struct AgeBandShareInput {
    pub band: AgeBand,
    pub share: f64,
}

#[derive(InputObject)]
pub struct LanguageShareInput {
    /// ISO 639 code; `en` for English.
    pub code: String,
    pub share: f64,
}

/// Gateway staff in a place. Link workers see 225 people a year each
/// unless stated (NHS England); Local Area Co-ordinators, Community
/// Health Champions and Health Trainers have no published figure, so the
/// scenario states theirs.
#[derive(InputObject)]
pub struct GatewayStaffInput {
    pub place: PlaceInput,
    pub kind: GatewayKind,
    /// Full-time equivalents (or people, for champions).
    pub staff: f64,
    pub people_per_year: Option<f64>,
    pub people_at_a_time: Option<f64>,
    pub support_weeks: Option<f64>,
    /// What one costs a year; a link worker's defaults to the Additional
    /// Roles Reimbursement Scheme maximum.
    pub cost_per_year: Option<Pence>,
    /// The share of the people they see who go on to a community
    /// service, 0 to 1; the baseline's rate for this gateway kind in the
    /// place (its local authority's, then everywhere's) if left out.
    pub onward_rate: Option<f64>,
}

/// Places a week and caseload places added to a service (negative to
/// take them away).
#[derive(InputObject)]
pub struct CapacityChangeInput {
    pub service_id: ID,
    #[graphql(default)]
    pub places_per_week: f64,
    #[graphql(default)]
    pub caseload: f64,
}

/// A service that does not exist yet, at its ward's centroid.
#[derive(InputObject)]
pub struct NewServiceInput {
    pub name: String,
    pub organisation_id: ID,
    pub ward_id: ID,
    pub needs: Vec<NeedCode>,
    #[graphql(default)]
    pub capabilities: Vec<CapabilityInput>,
    #[graphql(default)]
    pub places_per_week: f64,
    #[graphql(default)]
    pub caseload_max: f64,
    /// Mean weeks of a caseload episode: 12 unless stated.
    pub episode_weeks: Option<f64>,
    pub unit_cost: Option<Pence>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
}

/// A new award to an organisation, or to one of its services (where it
/// buys places at the service's unit cost).
#[derive(InputObject)]
pub struct FundingChangeInput {
    pub organisation_id: ID,
    pub service_id: Option<ID>,
    pub amount: Pence,
}

/// A gateway's referrals cut by a share: 1 ends it.
#[derive(InputObject)]
pub struct GatewayReducedInput {
    pub gateway_id: ID,
    pub share: f64,
}

impl PlaceInput {
    fn parse(&self, field: &str) -> Result<Place, AppError> {
        match (&self.area_id, &self.pcn_id) {
            (Some(a), None) => Ok(Place::Area(decode_as(
                &format!("{field}.areaId"),
                "Area",
                a,
            )?)),
            (None, Some(p)) => Ok(Place::Pcn(decode_as(&format!("{field}.pcnId"), "Pcn", p)?)),
            _ => Err(AppError::bad_input(
                field,
                "give one of areaId (a ward, local authority or ICB) or pcnId",
            )),
        }
    }
}

fn count(field: &str, value: i32, lo: i32, hi: i32, what: &str) -> Result<u32, AppError> {
    if (lo..=hi).contains(&value) {
        Ok(value as u32)
    } else {
        Err(AppError::bad_input(
            field,
            format!("{what} must be from {lo} to {hi}; got {value}"),
        ))
    }
}

fn capabilities(field: &str, list: &[CapabilityInput]) -> Result<Vec<Capability>, AppError> {
    let mut out: Vec<Capability> = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let c = c.capability(&format!("{field}.{i}.code"))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

impl ScenarioInput {
    pub fn parse(self) -> Result<Draft, AppError> {
        let name = text::required("name", &self.name, Text::Name)?;
        let description = text::optional(
            "description",
            self.description.as_deref(),
            Text::Description,
        )?;
        let baseline = self.baseline.map(WindowInput::parse).transpose()?;
        let horizon = Horizon::parse("horizonWeeks", i64::from(self.horizon_weeks))?;
        let replications = count(
            "replications",
            self.replications,
            0,
            change::MAX_REPLICATIONS as i32,
            "replications",
        )?;
        let target_utilisation = change::within(
            "targetUtilisation",
            self.target_utilisation,
            0.05,
            1.0,
            "the target utilisation",
        )?;
        let relief_weeks = count("reliefWeeks", self.relief_weeks, 1, 104, "relief weeks")?;
        let spill_over_wait_days = self
            .spill_over_wait_days
            .map(|d| change::within("spillOverWaitDays", d, 0.0, MAX_WAIT_DAYS, "the wait"))
            .transpose()?;
        let max_distance_km =
            change::positive("maxDistanceKm", self.max_distance_km, 50.0, "the distance")?;
        let area = self.area.as_ref().map(|p| p.parse("area")).transpose()?;
        if self.changes.len() > change::MAX_CHANGES {
            return Err(AppError::bad_input(
                "changes",
                format!("a scenario holds at most {} changes", change::MAX_CHANGES),
            ));
        }
        let changes = self
            .changes
            .into_iter()
            .enumerate()
            .map(|(i, c)| c.parse(&format!("changes.{i}"), horizon))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Draft {
            name,
            description,
            baseline,
            definition: Definition {
                horizon,
                replications,
                // The seed is any 32-bit number; as u64 bits it is the same
                // on every machine.
                seed: u64::from(self.seed as u32),
                target_utilisation,
                relief_weeks,
                spill_over_wait_days,
                max_distance_km,
                area,
                changes,
            }
            .check()?,
        })
    }
}

impl ChangeInput {
    fn parse(self, field: &str, horizon: Horizon) -> Result<Change, AppError> {
        let schedule = Schedule::parse(
            field,
            horizon,
            i64::from(self.start_week),
            i64::from(self.ramp_weeks),
            self.end_week.map(i64::from),
        )?;
        let one_of = (
            self.extra_demand,
            self.gateway_staff,
            self.capacity,
            self.new_service,
            self.funding,
            self.gateway_reduced,
        );
        let what = match one_of {
            (Some(d), None, None, None, None, None) => d.parse(&format!("{field}.extraDemand"))?,
            (None, Some(s), None, None, None, None) => s.parse(&format!("{field}.gatewayStaff"))?,
            (None, None, Some(c), None, None, None) => c.parse(&format!("{field}.capacity"))?,
            (None, None, None, Some(n), None, None) => {
                ChangeKind::NewService(n.parse(&format!("{field}.newService"))?)
            }
            (None, None, None, None, Some(f), None) => f.parse(&format!("{field}.funding"))?,
            (None, None, None, None, None, Some(g)) => {
                g.parse(&format!("{field}.gatewayReduced"))?
            }
            _ => {
                return Err(AppError::bad_input(
                    field,
                    "set exactly one of extraDemand, gatewayStaff, capacity, newService, funding and gatewayReduced",
                ))
            }
        };
        Ok(Change { schedule, what })
    }
}

impl ExtraDemandInput {
    fn parse(self, field: &str) -> Result<ChangeKind, AppError> {
        let age_bands = change::shares(
            &format!("{field}.ageBands"),
            self.age_bands
                .iter()
                .map(|a| (DomainAgeBand::from(a.band), a.share))
                .collect(),
        )?;
        let mut languages = Vec::with_capacity(self.languages.len());
        for (i, l) in self.languages.iter().enumerate() {
            let code = LanguageCode::parse(&format!("{field}.languages.{i}.code"), &l.code)?;
            languages.push((code.as_str().to_owned(), l.share));
        }
        let languages = change::shares(&format!("{field}.languages"), languages)?;
        Ok(ChangeKind::ExtraDemand {
            place: self.place.parse(&format!("{field}.place"))?,
            need: self.need.into(),
            per_week: change::positive(
                &format!("{field}.perWeek"),
                self.per_week,
                MAX_PER_WEEK,
                "referrals a week",
            )?,
            mix: Mix {
                age_bands,
                languages,
                required: capabilities(&format!("{field}.required"), &self.required)?,
            },
        })
    }
}

impl GatewayStaffInput {
    fn parse(self, field: &str) -> Result<ChangeKind, AppError> {
        let template = StaffTemplate::parse(
            field,
            codes::GatewayKind::from(self.kind),
            Stated {
                people_per_year: self.people_per_year,
                people_at_a_time: self.people_at_a_time,
                support_weeks: self.support_weeks,
            },
        )?;
        let cost = |p: Pence| -> Result<DomainPence, AppError> {
            let f = format!("{field}.costPerYear");
            Ok(DomainPence::parse(
                &f,
                Money::Award,
                p.amount(&f, Money::Award)?,
            )?)
        };
        Ok(ChangeKind::GatewayStaff {
            place: self.place.parse(&format!("{field}.place"))?,
            template,
            staff: change::positive(&format!("{field}.staff"), self.staff, MAX_STAFF, "staff")?,
            cost_per_year: self.cost_per_year.map(cost).transpose()?,
            onward_rate: self
                .onward_rate
                .map(|r| {
                    change::within(
                        &format!("{field}.onwardRate"),
                        r,
                        0.0,
                        1.0,
                        "the onward rate",
                    )
                })
                .transpose()?,
        })
    }
}

impl NewServiceInput {
    fn parse(self, field: &str) -> Result<NewService, AppError> {
        let f = |name: &str| format!("{field}.{name}");
        let ages = AgeRange::parse((&f("minAge"), &f("maxAge")), self.min_age, self.max_age)?;
        let places_per_week = change::within(
            &f("placesPerWeek"),
            self.places_per_week,
            0.0,
            MAX_PLACES,
            "places a week",
        )?;
        let caseload = change::within(
            &f("caseloadMax"),
            self.caseload_max,
            0.0,
            MAX_PLACES,
            "caseload places",
        )?;
        if places_per_week + caseload <= 0.0 {
            return Err(AppError::bad_input(
                field,
                "a new service needs places a week or caseload places",
            ));
        }
        Ok(NewService {
            name: text::required(&f("name"), &self.name, Text::Name)?,
            organisation_id: decode_as(
                &f("organisationId"),
                "Organisation",
                &self.organisation_id,
            )?,
            ward_id: decode_as(&f("wardId"), "Area", &self.ward_id)?,
            needs: needs(
                &f("needs"),
                &self.needs,
                "a new service addresses at least one need",
            )?,
            capabilities: capabilities(&f("capabilities"), &self.capabilities)?,
            places_per_week,
            caseload,
            episode_weeks: self
                .episode_weeks
                .map(|w| change::positive(&f("episodeWeeks"), w, 520.0, "episode weeks"))
                .transpose()?,
            unit_cost: self
                .unit_cost
                .map(|p| -> Result<DomainPence, AppError> {
                    let field = f("unitCost");
                    Ok(DomainPence::parse(
                        &field,
                        Money::UnitCost,
                        p.amount(&field, Money::UnitCost)?,
                    )?)
                })
                .transpose()?,
            min_age: ages.min,
            max_age: ages.max,
        })
    }
}

impl CapacityChangeInput {
    fn parse(self, f: &str) -> Result<ChangeKind, AppError> {
        Ok(ChangeKind::Capacity {
            service_id: decode_as(&format!("{f}.serviceId"), "Service", &self.service_id)?,
            places_per_week: change::within(
                &format!("{f}.placesPerWeek"),
                self.places_per_week,
                -MAX_PLACES,
                MAX_PLACES,
                "places a week",
            )?,
            caseload: change::within(
                &format!("{f}.caseload"),
                self.caseload,
                -MAX_PLACES,
                MAX_PLACES,
                "caseload places",
            )?,
        })
    }
}

impl FundingChangeInput {
    fn parse(self, field: &str) -> Result<ChangeKind, AppError> {
        let amount = format!("{field}.amount");
        Ok(ChangeKind::Funding {
            organisation_id: decode_as(
                &format!("{field}.organisationId"),
                "Organisation",
                &self.organisation_id,
            )?,
            service_id: self
                .service_id
                .as_ref()
                .map(|s| decode_as(&format!("{field}.serviceId"), "Service", s))
                .transpose()?,
            amount: DomainPence::parse(
                &amount,
                Money::Award,
                self.amount.amount(&amount, Money::Award)?,
            )?,
        })
    }
}

impl GatewayReducedInput {
    fn parse(self, f: &str) -> Result<ChangeKind, AppError> {
        Ok(ChangeKind::GatewayReduced {
            gateway_id: decode_as(&format!("{f}.gatewayId"), "Gateway", &self.gateway_id)?,
            share: change::within(&format!("{f}.share"), self.share, 0.0, 1.0, "the share")?,
        })
    }
}
