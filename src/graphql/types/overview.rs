//! One row of the capacity overview: a group's measures over a window.

use crate::graphql::cost;
use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::area::{Area, Pcn};
use super::load;
use super::organisation::Organisation;
use super::service::{CapacityVersion, Service};
use crate::domain::codes;
use crate::domain::metrics::capacity::{self, versions_in_window};
use crate::domain::metrics::overview::Measures;
use crate::domain::metrics::Window;
use crate::domain::status;
use crate::graphql::enums::{stored, NeedCode, OverviewGroupBy, ServiceStatus};
use crate::graphql::loaders::{
    AreaId, CapacityHistory, NeedLabel, OrganisationId, PcnId, ServiceId,
};
use crate::graphql::scalars::Date;

/// The window a figure covers: `[from, to)`.
#[derive(SimpleObject, Clone, Copy)]
pub struct WindowInfo {
    pub from: Date,
    /// The first day after the window.
    pub to: Date,
    pub days: i64,
    pub weeks: f64,
}

impl From<Window> for WindowInfo {
    fn from(w: Window) -> Self {
        Self {
            from: Date(w.from()),
            to: Date(w.to()),
            days: w.days(),
            weeks: w.weeks(),
        }
    }
}

/// Everything one group's row shows.
#[derive(Clone)]
pub struct CapacityGroup {
    pub group_by: OverviewGroupBy,
    pub key: String,
    pub window: Window,
    pub services: i64,
    pub measures: Measures,
    pub referrals_accepted: i64,
    pub referrals_answered: i64,
    pub waiting_at_end: i64,
    pub waits: i64,
    pub wait_median: Option<i64>,
    pub wait_p90: Option<i64>,
    pub stale_services: i64,
    pub oldest_confirmation: Option<DateTime<Utc>>,
    pub status: Option<String>,
    pub stale_after_days: i64,
}

impl CapacityGroup {
    fn id(&self) -> Option<i64> {
        self.key.parse().ok()
    }

    fn is(&self, by: OverviewGroupBy) -> Option<i64> {
        (self.group_by == by).then(|| self.id()).flatten()
    }

    /// The ward id and need code of a ward-and-need group's `ward:NEED` key.
    fn ward_and_need(&self) -> Option<(Option<i64>, &str)> {
        (self.group_by == OverviewGroupBy::WardAndNeed)
            .then(|| self.key.split_once(':'))
            .flatten()
            .map(|(ward, need)| (ward.parse().ok(), need))
    }

    fn need_code(&self) -> Option<&str> {
        match self.group_by {
            OverviewGroupBy::Need => Some(&self.key),
            _ => self.ward_and_need().map(|(_, need)| need),
        }
    }
}

#[Object]
impl CapacityGroup {
    pub async fn group_by(&self) -> OverviewGroupBy {
        self.group_by
    }

    /// The group's id (a number) or need code, `ward id:NEED` grouped by
    /// ward and need; empty for services whose place is not known.
    async fn key(&self) -> &str {
        &self.key
    }

    /// The group's name, for people.
    async fn label(&self, ctx: &Context<'_>) -> Result<String> {
        let unknown = || "Place not recorded".to_owned();
        if let Some((ward, need)) = self.ward_and_need() {
            let ward = match ward {
                Some(id) => load(ctx, AreaId(id)).await?.map(|a| a.name),
                None => None,
            };
            let need = load(ctx, NeedLabel(need.to_owned())).await?;
            return Ok(format!(
                "{} · {}",
                ward.unwrap_or_else(unknown),
                need.unwrap_or_default()
            ));
        }
        let Some(id) = self.id() else {
            return Ok(match self.group_by {
                OverviewGroupBy::All => "All services in scope".to_owned(),
                OverviewGroupBy::Need => load(ctx, NeedLabel(self.key.clone()))
                    .await?
                    .unwrap_or_else(|| self.key.clone()),
                _ => unknown(),
            });
        };
        Ok(match self.group_by {
            OverviewGroupBy::Service => load(ctx, ServiceId(id)).await?.map(|s| s.name),
            OverviewGroupBy::Organisation => load(ctx, OrganisationId(id)).await?.map(|o| o.name),
            OverviewGroupBy::Pcn => load(ctx, PcnId(id)).await?.map(|p| p.name),
            OverviewGroupBy::Ward | OverviewGroupBy::LocalAuthority | OverviewGroupBy::Icb => {
                load(ctx, AreaId(id)).await?.map(|a| a.name)
            }
            OverviewGroupBy::All | OverviewGroupBy::Need | OverviewGroupBy::WardAndNeed => None,
        }
        .unwrap_or_else(unknown))
    }

    /// The service, when grouped by service.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.is(OverviewGroupBy::Service) {
            Some(id) => Ok(load(ctx, ServiceId(id)).await?.map(Service)),
            None => Ok(None),
        }
    }

    /// The organisation, when grouped by organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        match self.is(OverviewGroupBy::Organisation) {
            Some(id) => Ok(load(ctx, OrganisationId(id)).await?.map(Organisation)),
            None => Ok(None),
        }
    }

    /// The ward, local authority or ICB, when grouped by one (the ward,
    /// grouped by ward and need).
    async fn area(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        let area = matches!(
            self.group_by,
            OverviewGroupBy::Ward | OverviewGroupBy::LocalAuthority | OverviewGroupBy::Icb
        );
        let id = match self.ward_and_need() {
            Some((ward, _)) => ward,
            None => self.id().filter(|_| area),
        };
        match id {
            Some(id) => Ok(load(ctx, AreaId(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// The PCN, when grouped by PCN.
    async fn pcn(&self, ctx: &Context<'_>) -> Result<Option<Pcn>> {
        match self.is(OverviewGroupBy::Pcn) {
            Some(id) => Ok(load(ctx, PcnId(id)).await?.map(Pcn)),
            None => Ok(None),
        }
    }

    /// The need, when grouped by need (or by ward and need).
    async fn need(&self) -> Option<NeedCode> {
        self.need_code()
            .and_then(codes::Need::parse)
            .map(Into::into)
    }

    async fn window(&self) -> WindowInfo {
        self.window.into()
    }

    /// Services in the group.
    async fn services(&self) -> i64 {
        self.services
    }

    /// `C`: mean places per week in force over the window (zero on days a
    /// service is paused or closed).
    async fn capacity(&self) -> f64 {
        self.measures.capacity
    }

    /// `K`: mean maximum caseload in force over the window.
    async fn caseload_capacity(&self) -> f64 {
        self.measures.caseload_capacity
    }

    /// `D`: referrals first accepted (or started) in the window, per week.
    async fn demand(&self) -> f64 {
        self.measures.demand
    }

    /// The referrals behind `D`.
    async fn referrals_accepted(&self) -> i64 {
        self.referrals_accepted
    }

    /// Mean referrals on a caseload (started, not yet ended).
    async fn active_caseload(&self) -> f64 {
        self.measures.active_caseload
    }

    /// `W`: mean referrals on a waiting list over the window.
    async fn waiting_list(&self) -> f64 {
        self.measures.waiting_list
    }

    /// Referrals on a waiting list on the window's last day.
    async fn waiting_list_at_end(&self) -> i64 {
        self.waiting_at_end
    }

    /// `D / C` (or caseload / `K` for one-to-one services; the worse where
    /// a group has both). Null where there is no capacity at all.
    async fn utilisation(&self) -> Option<f64> {
        self.measures.utilisation.ratio()
    }

    /// Over 1.0, or demand where no capacity was in force.
    async fn over_capacity(&self) -> bool {
        self.measures.utilisation.over_capacity()
    }

    /// `C − D`, places per week; negative when over capacity.
    async fn headroom(&self) -> f64 {
        self.measures.headroom
    }

    /// `K −` mean active caseload.
    async fn caseload_headroom(&self) -> f64 {
        self.measures.caseload_headroom
    }

    /// Median days from first acceptance or wait-listing to start, for
    /// referrals started in the window (nearest rank).
    async fn wait_median_days(&self) -> Option<i64> {
        self.wait_median
    }

    /// 90th percentile of the same (nearest rank).
    async fn wait_p90_days(&self) -> Option<i64> {
        self.wait_p90
    }

    /// Referrals started in the window whose wait is counted.
    async fn waits_counted(&self) -> i64 {
        self.waits
    }

    /// Referrals answered (accepted, wait-listed or declined) in the window.
    async fn referrals_answered(&self) -> i64 {
        self.referrals_answered
    }

    /// Declines for capacity ÷ referrals answered, in the window.
    async fn decline_rate_capacity(&self) -> Option<f64> {
        self.measures.decline_rate_capacity
    }

    /// Declines for capability ÷ referrals answered, in the window.
    async fn decline_rate_capability(&self) -> Option<f64> {
        self.measures.decline_rate_capability
    }

    /// Services whose status was never confirmed or is stale now.
    async fn stale_services(&self) -> i64 {
        self.stale_services
    }

    /// Days since the least recently confirmed status in the group.
    async fn days_since_oldest_confirmation(&self) -> Option<i64> {
        self.oldest_confirmation
            .map(|c| status::staleness(c, Utc::now(), self.stale_after_days).days_since_confirmed)
    }

    /// The status in force today, when grouped by service.
    async fn status(&self) -> Result<Option<ServiceStatus>> {
        match (&self.status, self.group_by) {
            (Some(s), OverviewGroupBy::Service) => {
                Ok(Some(stored(status::ServiceStatus::parse, s)?.into()))
            }
            _ => Ok(None),
        }
    }

    /// The capacity versions behind `C` and `K`, when grouped by service.
    #[graphql(complexity = "cost::list(cost::estimate::VERSIONS_IN_WINDOW, child_complexity)")]
    async fn capacity_versions(&self, ctx: &Context<'_>) -> Result<Vec<CapacityVersion>> {
        let Some(id) = self.is(OverviewGroupBy::Service) else {
            return Ok(Vec::new());
        };
        let rows = load(ctx, CapacityHistory(id)).await?.unwrap_or_default();
        let versions: Vec<capacity::CapacityVersion> = rows
            .iter()
            .map(|r| capacity::CapacityVersion {
                valid_from: r.valid_from,
                seq: r.id,
                places_per_week: r.places_per_week,
                caseload_max: r.caseload_max,
            })
            .collect();
        let used: Vec<i64> = versions_in_window(&versions, &self.window)
            .iter()
            .map(|v| v.seq)
            .collect();
        Ok(rows
            .into_iter()
            .filter(|r| used.contains(&r.id))
            .map(CapacityVersion)
            .collect())
    }
}
