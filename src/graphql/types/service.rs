//! Services with their needs, capabilities, capacity and status.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::organisation::{Location, Organisation};
use super::{load, load_list};
use crate::domain::capability::{self as cap, CapabilityKind as DomainKind};
use crate::domain::{codes, status};
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{stored, CapabilityKind, NeedCode, ServiceStatus};
use crate::graphql::ids;
use crate::graphql::loaders::{
    CapacityHistory, CapacityNow, LocationId, OrganisationId, ServiceCapabilities, ServiceNeeds,
    StatusHistory, StatusNow,
};
use crate::graphql::scalars::{Date, Pence};
use crate::store::entity::{capacity_version, service, service_capability, service_status};

/// A community asset people can be referred to.
#[derive(Clone)]
pub struct Service(pub service::Model);

#[Object]
impl Service {
    pub async fn id(&self) -> ID {
        ids::encode("Service", self.0.id)
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation))
    }

    async fn location(&self, ctx: &Context<'_>) -> Result<Option<Location>> {
        match self.0.location_id {
            Some(l) => Ok(load(ctx, LocationId(l)).await?.map(Location)),
            None => Ok(None),
        }
    }

    /// The needs it addresses.
    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn needs(&self, ctx: &Context<'_>) -> Result<Vec<NeedCode>> {
        let codes = load(ctx, ServiceNeeds(self.0.id))
            .await?
            .unwrap_or_default();
        codes
            .iter()
            .map(|c| Ok(stored(codes::Need::parse, c)?.into()))
            .collect()
    }

    #[graphql(complexity = "cost::list(cost::estimate::CODES, child_complexity)")]
    async fn capabilities(&self, ctx: &Context<'_>) -> Result<Vec<Capability>> {
        let rows = load(ctx, ServiceCapabilities(self.0.id))
            .await?
            .unwrap_or_default();
        rows.into_iter().map(Capability::from_row).collect()
    }

    /// Cost of one episode (one referral started), where the provider has
    /// stated it.
    async fn unit_cost(&self) -> Option<Pence> {
        self.0.unit_cost_pence.map(Pence)
    }

    /// The youngest age it takes, in years; null for no lower limit.
    async fn min_age(&self) -> Option<i32> {
        self.0.min_age
    }

    /// The oldest age it takes, in years; null for no upper limit.
    async fn max_age(&self) -> Option<i32> {
        self.0.max_age
    }

    /// The capacity version in force today: the latest with `validFrom` on
    /// or before today. Null if none has been recorded.
    async fn capacity(&self, ctx: &Context<'_>) -> Result<Option<CapacityVersion>> {
        Ok(load(ctx, CapacityNow(self.0.id))
            .await?
            .map(CapacityVersion))
    }

    /// Every capacity version ever recorded, newest first.
    #[graphql(complexity = "cost::list(cost::estimate::HISTORY, child_complexity)")]
    async fn capacity_history(&self, ctx: &Context<'_>) -> Result<Vec<CapacityVersion>> {
        load_list(ctx, CapacityHistory(self.0.id), CapacityVersion).await
    }

    /// The status in force today, with how stale it is.
    async fn status(&self, ctx: &Context<'_>) -> Result<Option<StatusReport>> {
        Ok(load(ctx, StatusNow(self.0.id)).await?.map(StatusReport))
    }

    /// Every status report, newest first.
    #[graphql(complexity = "cost::list(cost::estimate::HISTORY, child_complexity)")]
    async fn status_history(&self, ctx: &Context<'_>) -> Result<Vec<StatusReport>> {
        load_list(ctx, StatusHistory(self.0.id), StatusReport).await
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A typed tag on a service: a language (ISO 639 code), accessibility,
/// cultural or faith focus, dietary provision, condition or gender.
#[derive(SimpleObject, Clone)]
pub struct Capability {
    pub kind: CapabilityKind,
    pub code: String,
    /// A label a person reads ("Sylheti", "Women-only sessions").
    pub label: String,
}

impl Capability {
    pub fn from_row(row: service_capability::Model) -> Result<Self> {
        Self::from_codes(&row.kind, &row.code)
    }

    pub fn from_codes(kind: &str, code: &str) -> Result<Self> {
        let kind: DomainKind = stored(DomainKind::parse, kind)?;
        let capability = cap::Capability {
            kind,
            code: code.to_owned(),
        };
        Ok(Self {
            kind: kind.into(),
            label: capability.label(),
            code: capability.code,
        })
    }
}

/// One dated version of a service's capacity. Versions are never overwritten.
#[derive(Clone)]
pub struct CapacityVersion(pub capacity_version::Model);

#[Object]
impl CapacityVersion {
    pub async fn id(&self) -> ID {
        ids::encode("CapacityVersion", self.0.id)
    }

    /// The first day this version is in force.
    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }

    /// Places per week, for throughput services.
    async fn places_per_week(&self) -> Option<i32> {
        self.0.places_per_week
    }

    /// Maximum active caseload, for one-to-one services.
    async fn caseload_max(&self) -> Option<i32> {
        self.0.caseload_max
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// A status report from the provider, with when it was confirmed.
#[derive(Clone)]
pub struct StatusReport(pub service_status::Model);

#[Object]
impl StatusReport {
    pub async fn id(&self) -> ID {
        ids::encode("StatusReport", self.0.id)
    }

    async fn status(&self) -> Result<ServiceStatus> {
        Ok(stored(status::ServiceStatus::parse, &self.0.status)?.into())
    }

    async fn valid_from(&self) -> Date {
        Date(self.0.valid_from)
    }

    /// When the provider last said this status was true.
    async fn confirmed_at(&self) -> DateTime<Utc> {
        self.0.confirmed_at
    }

    /// Whole days since it was confirmed.
    async fn days_since_confirmed(&self, ctx: &Context<'_>) -> i64 {
        self.staleness(ctx).days_since_confirmed
    }

    /// True once it has gone unconfirmed past the configured number of days.
    async fn stale(&self, ctx: &Context<'_>) -> bool {
        self.staleness(ctx).stale
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

impl StatusReport {
    fn staleness(&self, ctx: &Context<'_>) -> status::Staleness {
        status::staleness(
            self.0.confirmed_at,
            Utc::now(),
            ctx.settings().stale_after_days,
        )
    }
}
