//! One row of uncommissioned work: an organisation's hours of one kind.

use async_graphql::{Context, Object, Result};

use super::load;
use super::organisation::Organisation;
use super::overview::WindowInfo;
use crate::domain::codes;
use crate::domain::metrics::contribution::Uncommissioned;
use crate::domain::metrics::Window;
use crate::graphql::enums::{stored, ContributionKind};
use crate::graphql::loaders::OrganisationId;
use crate::graphql::scalars::Pence;

#[derive(Clone)]
pub struct UncommissionedRow {
    pub organisation_id: i64,
    pub kind: String,
    pub period: Window,
    pub work: Uncommissioned,
}

#[Object]
impl UncommissionedRow {
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.organisation_id))
            .await?
            .map(Organisation))
    }

    async fn kind(&self) -> Result<ContributionKind> {
        Ok(stored(codes::ContributionKind::parse, &self.kind)?.into())
    }

    async fn period(&self) -> WindowInfo {
        self.period.into()
    }

    /// Hours of work inside the period (a contribution recorded for a
    /// longer period counts by its days inside).
    async fn hours(&self) -> f64 {
        self.work.hours
    }

    /// Hours × the hourly rate, rounded once, half to even.
    async fn value(&self) -> Pence {
        Pence(self.work.value_pence)
    }

    /// The rate the value uses, in pence an hour.
    async fn hourly_rate(&self) -> Pence {
        Pence(self.work.rate_pence)
    }
}
