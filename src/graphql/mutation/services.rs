//! Creating and changing services; recording capacity and status.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};
use chrono::NaiveDate;

use crate::domain::age::AgeRange;
use crate::domain::bounds::{Money, Text};
use crate::domain::capacity::Capacity;
use crate::domain::status as domain_status;
use crate::domain::text;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{NeedCode, ServiceStatus};
use crate::graphql::ids::{decode_as, decode_opt};
use crate::graphql::inputs::{need_codes, parse_capabilities, CapabilityInput};
use crate::graphql::scalars::{Date, Pence};
use crate::graphql::types::service::{CapacityVersion, Service, StatusReport};
use crate::store::services::{self as store, NewCapacity, NewService, NewStatus, ServiceChanges};

#[derive(Default)]
pub struct ServiceMutations;

#[derive(InputObject)]
pub struct CreateServiceInput {
    pub organisation_id: ID,
    pub location_id: Option<ID>,
    pub name: String,
    #[graphql(default)]
    pub description: String,
    /// The needs it addresses; at least one.
    pub needs: Vec<NeedCode>,
    #[graphql(default)]
    pub capabilities: Vec<CapabilityInput>,
    /// Cost of one episode, in pence.
    pub unit_cost: Option<Pence>,
    /// The ages it takes; anyone if left out.
    pub age_range: Option<AgeRangeInput>,
}

/// The youngest and oldest age a service takes, in years; either may be
/// null for no limit.
#[derive(InputObject)]
pub struct AgeRangeInput {
    pub min: Option<i32>,
    pub max: Option<i32>,
}

impl AgeRangeInput {
    fn parse(&self) -> Result<AgeRange, AppError> {
        Ok(AgeRange::parse(
            ("ageRange.min", "ageRange.max"),
            self.min,
            self.max,
        )?)
    }
}

#[derive(InputObject)]
pub struct UpdateServiceInput {
    pub service_id: ID,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Replaces the list of needs.
    pub needs: Option<Vec<NeedCode>>,
    /// Replaces the list of capabilities.
    pub capabilities: Option<Vec<CapabilityInput>>,
    /// Set, or null to clear.
    pub unit_cost: MaybeUndefined<Pence>,
    /// Replaces the ages it takes.
    pub age_range: Option<AgeRangeInput>,
}

#[derive(InputObject)]
pub struct RecordCapacityInput {
    pub service_id: ID,
    /// The first day the new capacity applies; today if left out.
    pub valid_from: Option<Date>,
    pub places_per_week: Option<i32>,
    pub caseload_max: Option<i32>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct ConfirmStatusInput {
    pub service_id: ID,
    /// The status now; the same as before to confirm it unchanged.
    pub status: ServiceStatus,
    pub note: Option<String>,
}

const SERVICE_NEEDS: &str = "a service addresses at least one need";

/// A service's description may be blank.
fn description(raw: &str) -> Result<String, AppError> {
    Ok(text::optional("description", Some(raw), Text::Description)?.unwrap_or_default())
}

fn unit_cost(p: Pence) -> Result<i64, AppError> {
    Ok(p.amount("unitCost", Money::UnitCost)?)
}

/// The service, if the caller may manage the organisation that runs it.
async fn managed_service(ctx: &Context<'_>, field: &str, id: &ID) -> Result<i64, AppError> {
    let service_id = decode_as(field, "Service", id)?;
    let service = store::require_service(ctx.store(), service_id).await?;
    ctx.require_manager_of(service.organisation_id)?;
    Ok(service_id)
}

#[Object]
impl ServiceMutations {
    /// Adds a service to an organisation (its provider, or an admin).
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        input: CreateServiceInput,
    ) -> Result<Service> {
        let organisation_id = decode_as("organisationId", "Organisation", &input.organisation_id)?;
        ctx.require_manager_of(organisation_id)?;
        let new = NewService {
            organisation_id,
            location_id: decode_opt("locationId", "Location", input.location_id.as_ref())?,
            name: text::required("name", &input.name, Text::Name)?,
            description: description(&input.description)?,
            unit_cost_pence: input.unit_cost.map(unit_cost).transpose()?,
            ages: input
                .age_range
                .as_ref()
                .map(AgeRangeInput::parse)
                .transpose()?
                .unwrap_or_default(),
            needs: need_codes("needs", &input.needs, SERVICE_NEEDS)?,
            capabilities: parse_capabilities("capabilities", &input.capabilities)?,
        };
        Ok(Service(store::create_service(ctx.store(), new).await?))
    }

    /// Changes a service's details; lists given replace the old ones.
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        input: UpdateServiceInput,
    ) -> Result<Service> {
        let service_id = managed_service(ctx, "serviceId", &input.service_id).await?;
        let changes = ServiceChanges {
            name: input
                .name
                .map(|n| text::required("name", &n, Text::Name))
                .transpose()?,
            description: input.description.map(|d| description(&d)).transpose()?,
            unit_cost_pence: match input.unit_cost {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(p) => Some(Some(unit_cost(p)?)),
            },
            ages: input
                .age_range
                .as_ref()
                .map(AgeRangeInput::parse)
                .transpose()?,
            needs: input
                .needs
                .map(|n| need_codes("needs", &n, SERVICE_NEEDS))
                .transpose()?,
            capabilities: input
                .capabilities
                .map(|c| parse_capabilities("capabilities", &c))
                .transpose()?,
        };
        Ok(Service(
            store::update_service(ctx.store(), service_id, changes).await?,
        ))
    }

    /// Records a new capacity version. Earlier versions are kept.
    async fn record_capacity(
        &self,
        ctx: &Context<'_>,
        input: RecordCapacityInput,
    ) -> Result<CapacityVersion> {
        let service_id = managed_service(ctx, "serviceId", &input.service_id).await?;
        let capacity = Capacity::parse(input.places_per_week, input.caseload_max)?;
        let new = NewCapacity {
            service_id,
            valid_from: match input.valid_from {
                Some(d) => d.day("validFrom")?,
                None => ctx.today(),
            },
            places_per_week: capacity.places_per_week,
            caseload_max: capacity.caseload_max,
            note: text::optional("note", input.note.as_deref(), Text::Note)?,
            recorded_by: Some(ctx.principal().key_id),
        };
        Ok(CapacityVersion(
            store::record_capacity(ctx.store(), new).await?,
        ))
    }

    /// Confirms the service's status (or changes it) as of now; this resets
    /// its staleness.
    async fn confirm_status(
        &self,
        ctx: &Context<'_>,
        input: ConfirmStatusInput,
    ) -> Result<StatusReport> {
        let service_id = managed_service(ctx, "serviceId", &input.service_id).await?;
        let status: domain_status::ServiceStatus = input.status.into();
        let today: NaiveDate = ctx.today();
        let new = NewStatus {
            service_id,
            status: status.as_str().to_owned(),
            valid_from: today,
            note: text::optional("note", input.note.as_deref(), Text::Note)?,
            recorded_by: Some(ctx.principal().key_id),
        };
        Ok(StatusReport(store::record_status(ctx.store(), new).await?))
    }
}
