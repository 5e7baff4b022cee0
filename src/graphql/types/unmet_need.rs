//! The unmet-needs risk register.

use async_graphql::{Context, Object, Result, ID};
use chrono::{DateTime, Utc};

use super::area::Area;
use super::load;
use super::service::Capability;
use crate::domain::codes;
use crate::graphql::enums::{stored, NeedCode, UnmetNeedStatus};
use crate::graphql::ids;
use crate::graphql::loaders::AreaId;
use crate::graphql::scalars::Date;
use crate::store::entity::unmet_need;

/// A need that no service meets in an area, on the risk register.
#[derive(Clone)]
pub struct UnmetNeed(pub unmet_need::Model);

#[Object]
impl UnmetNeed {
    pub async fn id(&self) -> ID {
        ids::encode("UnmetNeed", self.0.id)
    }

    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.area_id)).await?.map(Area))
    }

    async fn need(&self) -> Result<NeedCode> {
        Ok(stored(codes::Need::parse, &self.0.need_code)?.into())
    }

    /// The capability that is missing (a language, say), if that is the gap.
    async fn missing_capability(&self) -> Result<Option<Capability>> {
        match (&self.0.capability_kind, &self.0.capability_code) {
            (Some(k), Some(c)) => Ok(Some(Capability::from_codes(k, c)?)),
            _ => Ok(None),
        }
    }

    async fn evidence(&self) -> &str {
        &self.0.evidence
    }

    /// 1 (rare) to 5 (almost certain).
    async fn likelihood(&self) -> i32 {
        self.0.likelihood
    }

    /// 1 (negligible) to 5 (severe).
    async fn impact(&self) -> i32 {
        self.0.impact
    }

    /// Likelihood × impact, 1 to 25.
    async fn risk_score(&self) -> i32 {
        crate::domain::register::risk_score(self.0.likelihood, self.0.impact)
    }

    async fn action(&self) -> Option<&str> {
        self.0.action.as_deref()
    }

    async fn owner(&self) -> Option<&str> {
        self.0.owner.as_deref()
    }

    async fn review_date(&self) -> Option<Date> {
        self.0.review_date.map(Date)
    }

    async fn status(&self) -> Result<UnmetNeedStatus> {
        Ok(stored(codes::UnmetNeedStatus::parse, &self.0.status)?.into())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
