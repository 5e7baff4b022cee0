//! The unmet-needs risk register.

use async_graphql::{Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Duration, Utc};

use super::area::Area;
use super::load;
use super::overview::WindowInfo;
use super::service::Capability;
use crate::domain::access::READS_EXACT_COUNTS;
use crate::domain::codes;
use crate::domain::metrics::Window;
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::enums::{stored, NeedCode, UnmetNeedStatus};
use crate::graphql::ids;
use crate::graphql::loaders::{AreaId, UnmetNeedEvidence, UnmetNeedReports};
use crate::graphql::metrics::WindowInput;
use crate::graphql::scalars::Date;
use crate::store::entity::unmet_need;

/// Declines that bear on a register entry, over a window.
#[derive(SimpleObject)]
pub struct UnmetNeedEvidenceCounts {
    pub window: WindowInfo,
    pub declined_for_capacity: i64,
    pub declined_for_capability: i64,
    /// Declines for the very capability the entry says is missing.
    pub declined_for_missing_capability: i64,
    /// Distinct referrals behind those declines.
    pub referrals_declined: i64,
}

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

    /// How many times link workers searched for this need here, found
    /// nothing that fits, and recorded it (`recordNoFit`).
    async fn search_reports(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(load(ctx, UnmetNeedReports(self.0.id)).await?.unwrap_or(0))
    }

    /// Declines counted live: referrals living in the entry's area with its
    /// need, declined for capacity or capability in the window (the last
    /// 365 days if left out).
    #[graphql(complexity = "cost::evidence(&window, child_complexity)")]
    async fn decline_evidence(
        &self,
        ctx: &Context<'_>,
        window: Option<WindowInput>,
    ) -> Result<UnmetNeedEvidenceCounts> {
        ctx.require(READS_EXACT_COUNTS, "reading an entry's decline evidence")?;
        let window = match window {
            Some(w) => w.parse()?,
            None => Window::parse(
                ctx.today() - Duration::days(364),
                ctx.today() + Duration::days(1),
            )?,
        };
        let found = load(
            ctx,
            UnmetNeedEvidence {
                entry: self.0.id,
                window,
            },
        )
        .await?;
        let e = found.unwrap_or_default();
        Ok(UnmetNeedEvidenceCounts {
            window: window.into(),
            declined_for_capacity: e.declined_capacity,
            declined_for_capability: e.declined_capability,
            declined_for_missing_capability: e.declined_missing_capability,
            referrals_declined: e.referrals,
        })
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
