//! What a scenario and its runs show: the scenario as written, each run
//! with the assumptions it took, its totals, every service and group
//! before and after, week-by-week series with bands, and the demand
//! nothing could absorb.

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};

use crate::app::scenarios::{self as app, SeriesOf};
use crate::domain::scenario::change::{ChangeKind, Definition, Place, MAX_CHANGES};
use crate::domain::scenario::series::Series;
use crate::domain::scenario::MAX_HORIZON_WEEKS;
use crate::error::AppError;
use crate::graphql::connection::{build, Conn, Page, TotalCount};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::enums::{stored, CapabilityKind, NeedCode};
use crate::graphql::ids::{self, decode_as};
use crate::graphql::loaders::{
    AreaId, KeyName, LatestRun, NeedLabel, OrganisationId, PcnId, RunTotals, ScenarioId, ServiceId,
};
use crate::graphql::scalars::{Date, Pence};
use crate::graphql::types::area::Area;
use crate::graphql::types::load;
use crate::graphql::types::organisation::Organisation;
use crate::graphql::types::service::Service;
use crate::store::entity::{scenario, scenario_run, scenario_run_service, scenario_run_unabsorbed};
use crate::store::page as store_page;
use crate::store::scenarios::{self as store, RunGroupRow, RunServiceFilter};

/// Assumptions a run lists: its settings and a few for each change.
const ASSUMPTIONS: usize = 10 + 4 * MAX_CHANGES;

/// A "what if" a commissioner tests before commissioning it.
pub struct Scenario {
    model: scenario::Model,
    definition: Definition,
}

impl Scenario {
    pub fn of(model: scenario::Model) -> Result<Self, AppError> {
        let definition = store::definition(&model.definition)?;
        Ok(Self { model, definition })
    }

    /// Its row id, for cursors.
    pub fn key(&self) -> i64 {
        self.model.id
    }
}

/// What a scenario tests: its settings and its changes. A scenario shows
/// them as they are now; a run, as they were when it ran.
pub struct ScenarioSettings(Definition);

#[Object]
impl ScenarioSettings {
    async fn horizon_weeks(&self) -> i32 {
        self.0.horizon.weeks() as i32
    }

    async fn replications(&self) -> i32 {
        self.0.replications as i32
    }

    async fn seed(&self) -> i32 {
        self.0.seed as u32 as i32
    }

    async fn target_utilisation(&self) -> f64 {
        self.0.target_utilisation
    }

    async fn relief_weeks(&self) -> i32 {
        self.0.relief_weeks as i32
    }

    async fn spill_over_wait_days(&self) -> Option<f64> {
        self.0.spill_over_wait_days
    }

    async fn max_distance_km(&self) -> f64 {
        self.0.max_distance_km
    }

    async fn area(&self) -> Option<ScenarioPlace> {
        self.0.area.map(place)
    }

    #[graphql(complexity = "cost::list(MAX_CHANGES, child_complexity)")]
    async fn changes(&self) -> Vec<ScenarioChange> {
        changes_of(&self.0)
    }
}

/// Where a change's people come from.
#[derive(SimpleObject)]
pub struct ScenarioPlace {
    pub area: Option<ID>,
    pub pcn: Option<ID>,
}

fn place(p: Place) -> ScenarioPlace {
    match p {
        Place::Area(a) => ScenarioPlace {
            area: Some(ids::encode("Area", a)),
            pcn: None,
        },
        Place::Pcn(p) => ScenarioPlace {
            area: None,
            pcn: Some(ids::encode("Pcn", p)),
        },
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioChangeKind {
    ExtraDemand,
    GatewayStaff,
    Capacity,
    NewService,
    Funding,
    GatewayReduced,
}

/// One change of a scenario, as stored.
#[derive(SimpleObject)]
pub struct ScenarioChange {
    pub index: i32,
    pub kind: ScenarioChangeKind,
    pub start_week: i32,
    pub ramp_weeks: i32,
    pub end_week: Option<i32>,
    pub place: Option<ScenarioPlace>,
    /// The change in words.
    pub summary: String,
}

fn change(index: usize, c: &crate::domain::scenario::change::Change) -> ScenarioChange {
    use crate::domain::scenario::template::StaffTemplate::*;
    let (kind, at, summary) = match &c.what {
        ChangeKind::ExtraDemand {
            place: p,
            need,
            per_week,
            ..
        } => (
            ScenarioChangeKind::ExtraDemand,
            Some(*p),
            format!("{per_week} more referrals a week for {need}"),
        ),
        ChangeKind::GatewayStaff {
            place: p,
            template,
            staff,
            ..
        } => {
            let what = match template {
                LinkWorkers { people_per_year } => {
                    format!("social prescribing link workers seeing {people_per_year} people a year each")
                }
                LocalAreaCoordinators {
                    people_at_a_time,
                    support_weeks,
                } => format!(
                    "Local Area Co-ordinators supporting {people_at_a_time} people at a time for {support_weeks} weeks"
                ),
                CommunityHealthChampions { people_per_year } => {
                    format!("Community Health Champions reaching {people_per_year} people a year each")
                }
                HealthTrainers { people_per_year } => {
                    format!("Health Trainers reaching {people_per_year} people a year each")
                }
            };
            (
                ScenarioChangeKind::GatewayStaff,
                Some(*p),
                format!("{staff} more {what}"),
            )
        }
        ChangeKind::Capacity {
            places_per_week,
            caseload,
            ..
        } => (
            ScenarioChangeKind::Capacity,
            None,
            format!(
                "{places_per_week:+} places a week and {caseload:+} caseload places on a service"
            ),
        ),
        ChangeKind::NewService(n) => (
            ScenarioChangeKind::NewService,
            Some(Place::Area(n.ward_id)),
            format!(
                "a new service, {}, with {} places a week and {} caseload places",
                n.name, n.places_per_week, n.caseload
            ),
        ),
        ChangeKind::Funding { amount, .. } => (
            ScenarioChangeKind::Funding,
            None,
            format!("a new award of £{:.2}", amount.get() as f64 / 100.0),
        ),
        ChangeKind::GatewayReduced { share, .. } => (
            ScenarioChangeKind::GatewayReduced,
            None,
            format!("a gateway's referrals cut by {:.0}%", share * 100.0),
        ),
    };
    ScenarioChange {
        index: index as i32,
        kind,
        start_week: c.schedule.start() as i32,
        ramp_weeks: c.schedule.ramp() as i32,
        end_week: c.schedule.end().map(|e| e as i32),
        place: at.map(place),
        summary,
    }
}

fn changes_of(d: &Definition) -> Vec<ScenarioChange> {
    d.changes
        .iter()
        .enumerate()
        .map(|(i, c)| change(i, c))
        .collect()
}

async fn key_name(ctx: &Context<'_>, id: i64) -> Result<String> {
    Ok(load(ctx, KeyName(id))
        .await?
        .map(|k| k.name)
        .unwrap_or_default())
}

#[Object]
impl Scenario {
    pub async fn id(&self) -> ID {
        ids::encode("Scenario", self.model.id)
    }

    async fn name(&self) -> &str {
        &self.model.name
    }

    async fn description(&self) -> Option<&str> {
        self.model.description.as_deref()
    }

    /// The name of the key that made it.
    async fn owner(&self, ctx: &Context<'_>) -> Result<String> {
        key_name(ctx, self.model.owner_key_id).await
    }

    /// Whether the caller made it (and so may edit and archive it).
    async fn owned_by_you(&self, ctx: &Context<'_>) -> bool {
        ctx.principal().key_id == self.model.owner_key_id
    }

    async fn copied_from(&self) -> Option<ID> {
        self.model.copied_from.map(|id| ids::encode("Scenario", id))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    async fn archived(&self) -> bool {
        self.model.archived_at.is_some()
    }

    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.model.archived_at
    }

    /// The first day of the baseline.
    async fn baseline_from(&self) -> Date {
        Date(self.model.baseline_from)
    }

    /// The first day after the baseline.
    async fn baseline_to(&self) -> Date {
        Date(self.model.baseline_to)
    }

    /// Its settings and changes as they are now (`horizonWeeks` and the
    /// rest below say the same); a run's `definition` holds them as they
    /// were when it ran.
    async fn definition(&self) -> ScenarioSettings {
        ScenarioSettings(self.definition.clone())
    }

    async fn horizon_weeks(&self) -> i32 {
        self.definition.horizon.weeks() as i32
    }

    async fn replications(&self) -> i32 {
        self.definition.replications as i32
    }

    async fn seed(&self) -> i32 {
        self.definition.seed as u32 as i32
    }

    async fn target_utilisation(&self) -> f64 {
        self.definition.target_utilisation
    }

    async fn relief_weeks(&self) -> i32 {
        self.definition.relief_weeks as i32
    }

    async fn spill_over_wait_days(&self) -> Option<f64> {
        self.definition.spill_over_wait_days
    }

    async fn max_distance_km(&self) -> f64 {
        self.definition.max_distance_km
    }

    async fn area(&self) -> Option<ScenarioPlace> {
        self.definition.area.map(place)
    }

    #[graphql(complexity = "cost::list(MAX_CHANGES, child_complexity)")]
    async fn changes(&self) -> Vec<ScenarioChange> {
        changes_of(&self.definition)
    }

    /// The latest run, if it has been run.
    async fn latest_run(&self, ctx: &Context<'_>) -> Result<Option<ScenarioRun>> {
        Ok(load(ctx, LatestRun(self.model.id)).await?.map(ScenarioRun))
    }

    /// Every run, oldest first.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ScenarioRun>> {
        let page = Page::parse(first, after)?;
        let rows = app::runs(&ctx.app(), self.model.id, page.request()).await?;
        let store = ctx.store().clone();
        let filter = store::RunFilter {
            scenario_id: self.model.id,
        };
        let total = TotalCount::new(move || {
            let store = store.clone();
            async move { store_page::total::<scenario_run::Entity>(&store, &filter).await }
        });
        Ok(build(page, rows, |r| r.id, ScenarioRun, total))
    }
}

/// One run of a scenario: the figures a decision can be shown to rest on.
pub struct ScenarioRun(pub scenario_run::Model);

/// A figure a run took as given, with where it came from.
#[derive(SimpleObject)]
pub struct ScenarioAssumption {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub source: String,
}

/// The 10th, 50th and 90th percentiles over the run's replications; null
/// where the wait has no end (people wait and nobody starts).
#[derive(SimpleObject, Clone, Copy)]
pub struct Band {
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// A week of the run's accounts: every extra referral added is routed to
/// a service or reported as unabsorbed.
#[derive(SimpleObject)]
pub struct LedgerWeek {
    pub week: i32,
    pub added: f64,
    pub routed: f64,
    pub unabsorbed: f64,
    /// Baseline referrals taken away by a gateway reduced or ended.
    pub removed: f64,
}

/// A run's totals over every service it projected, before and after.
#[derive(SimpleObject)]
pub struct ScenarioTotals {
    pub services: i32,
    pub services_changed: i32,
    pub before: GroupFigures,
    pub after: GroupFigures,
    /// Extra referrals over the horizon: added, routed and unabsorbed.
    pub added: f64,
    pub routed: f64,
    pub unabsorbed: f64,
    pub removed: f64,
    /// What the scenario's gateway staff cost over the horizon.
    pub staff_cost: Pence,
    /// New awards the scenario makes.
    pub new_funding: Pence,
}

/// The sums of a group of services, before or after.
#[derive(SimpleObject)]
pub struct GroupFigures {
    /// Mean arrivals a week over the horizon.
    pub arrivals_per_week: f64,
    /// Mean service rate a week (places, or caseload ÷ episode length).
    pub capacity_per_week: f64,
    /// Arrivals ÷ capacity; null with no capacity.
    pub utilisation: Option<f64>,
    /// Services over 100% in some week.
    pub services_over_capacity: i32,
    /// The first week any of them goes over.
    pub first_week_over: Option<i32>,
    /// The sum of each service's peak waiting list.
    pub peak_waiting_list: f64,
    /// The places each service lacks, week by week, to reach the target
    /// utilisation and clear its backlog, at unit cost (services without
    /// a unit cost add none).
    pub funding_needed: Pence,
}

fn group_side(r: &RunGroupRow, after: bool) -> GroupFigures {
    let (arrivals, rate, over, first, peak, funding) = if after {
        (
            r.after_arrivals,
            r.after_rate,
            r.after_over,
            r.after_first_week_over,
            r.after_peak_waiting,
            r.after_funding_pence,
        )
    } else {
        (
            r.before_arrivals,
            r.before_rate,
            r.before_over,
            r.before_first_week_over,
            r.before_peak_waiting,
            r.before_funding_pence,
        )
    };
    GroupFigures {
        arrivals_per_week: arrivals,
        capacity_per_week: rate,
        utilisation: (rate > 0.0).then(|| arrivals / rate),
        services_over_capacity: over as i32,
        first_week_over: first,
        peak_waiting_list: peak,
        funding_needed: Pence(funding.unwrap_or(0)),
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::store::scenarios::RunGroupBy")]
pub enum ScenarioGroupBy {
    Organisation,
    Ward,
    LocalAuthority,
    Pcn,
    Need,
}

/// Whose series to read: a service, or a group by its key.
#[derive(async_graphql::InputObject)]
pub struct SeriesOfInput {
    pub service_id: Option<ID>,
    pub group_by: Option<ScenarioGroupBy>,
    /// The group's key, as `groups` gives it.
    pub key: Option<String>,
}

#[Object]
impl ScenarioRun {
    pub async fn id(&self) -> ID {
        ids::encode("ScenarioRun", self.0.id)
    }

    async fn scenario(&self, ctx: &Context<'_>) -> Result<Option<Scenario>> {
        load(ctx, ScenarioId(self.0.scenario_id))
            .await?
            .map(|m| Ok(Scenario::of(m)?))
            .transpose()
    }

    async fn ran_at(&self) -> DateTime<Utc> {
        self.0.ran_at
    }

    /// The name of the key that ran it.
    async fn ran_by(&self, ctx: &Context<'_>) -> Result<String> {
        key_name(ctx, self.0.ran_by).await
    }

    /// The last day of referral history when it ran.
    async fn data_as_of(&self) -> Option<Date> {
        self.0.data_as_of.map(Date)
    }

    async fn baseline_from(&self) -> Date {
        Date(self.0.baseline_from)
    }

    async fn baseline_to(&self) -> Date {
        Date(self.0.baseline_to)
    }

    async fn horizon_weeks(&self) -> Result<i32> {
        Ok(store::definition(&self.0.definition)?.horizon.weeks() as i32)
    }

    /// The settings and changes it ran with, whatever the scenario says
    /// now (an edit changes later runs, not this one).
    async fn definition(&self) -> Result<ScenarioSettings> {
        Ok(ScenarioSettings(store::definition(&self.0.definition)?))
    }

    /// How long the run took, in milliseconds.
    async fn elapsed_ms(&self) -> i64 {
        self.0.elapsed_ms
    }

    /// Every figure the run took as given, with its source.
    #[graphql(complexity = "cost::list(ASSUMPTIONS, child_complexity)")]
    async fn assumptions(&self) -> Result<Vec<ScenarioAssumption>> {
        Ok(store::assumptions(&self.0)?
            .into_iter()
            .map(|a| ScenarioAssumption {
                name: a.name,
                value: a.value,
                unit: a.unit,
                source: a.source,
            })
            .collect())
    }

    async fn totals(&self, ctx: &Context<'_>) -> Result<ScenarioTotals> {
        let sums = load(ctx, RunTotals(self.0.id))
            .await?
            .unwrap_or(RunGroupRow {
                key: String::new(),
                services: 0,
                services_changed: 0,
                before_arrivals: 0.0,
                after_arrivals: 0.0,
                before_rate: 0.0,
                after_rate: 0.0,
                before_over: 0,
                after_over: 0,
                before_first_week_over: None,
                after_first_week_over: None,
                before_peak_waiting: 0.0,
                after_peak_waiting: 0.0,
                before_funding_pence: None,
                after_funding_pence: None,
            });
        let ledger = store::ledger(&self.0)?;
        let total = |v: &[f64]| v.iter().sum::<f64>();
        Ok(ScenarioTotals {
            services: sums.services as i32,
            services_changed: sums.services_changed as i32,
            before: group_side(&sums, false),
            after: group_side(&sums, true),
            added: total(&ledger.added),
            routed: total(&ledger.routed),
            unabsorbed: total(&ledger.unabsorbed),
            removed: total(&ledger.removed),
            staff_cost: Pence(self.0.staff_cost_pence),
            new_funding: Pence(self.0.new_funding_pence),
        })
    }

    /// The run's accounts week by week.
    #[graphql(complexity = "cost::list(MAX_HORIZON_WEEKS as usize, child_complexity)")]
    async fn ledger(&self) -> Result<Vec<LedgerWeek>> {
        let l = store::ledger(&self.0)?;
        Ok((0..l.added.len())
            .map(|w| LedgerWeek {
                week: w as i32,
                added: l.added[w],
                routed: l.routed[w],
                unabsorbed: l.unabsorbed[w],
                removed: l.removed[w],
            })
            .collect())
    }

    /// Each service projected, before and after; the services the changes
    /// touch first, the most loaded after the changes first.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn services(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] changed_only: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ScenarioServiceResult>> {
        let page = Page::parse(first, after)?;
        let filter = RunServiceFilter {
            run_id: self.0.id,
            changed_only,
            service_id: None,
        };
        let rows = app::services(&ctx.app(), &filter, page.request()).await?;
        let store = ctx.store().clone();
        let total = TotalCount::new(move || {
            let store = store.clone();
            async move { store_page::total::<scenario_run_service::Entity>(&store, &filter).await }
        });
        Ok(build(page, rows, |r| r.id, ScenarioServiceResult, total))
    }

    /// The services grouped, before and after, in key order.
    #[graphql(
        complexity = "cost::connection(first, child_complexity, cost::aggregate(1, cost::Scope::Area))"
    )]
    async fn groups(
        &self,
        ctx: &Context<'_>,
        by: ScenarioGroupBy,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<ScenarioGroupResult>> {
        let page = Page::parse(first, after)?;
        let offset = page.after.map_or(0, |a| a as u64 + 1);
        let rows = app::groups(
            &ctx.app(),
            self.0.id,
            by.into(),
            offset,
            page.first as u64 + 1,
        )
        .await?;
        let store = ctx.store().clone();
        let run_id = self.0.id;
        let total = TotalCount::new(move || {
            let store = store.clone();
            async move { store::run_group_count(&store, run_id, by.into()).await }
        });
        let mut i = offset as i64;
        let rows: Vec<(i64, RunGroupRow)> = rows
            .into_iter()
            .map(|r| {
                let k = i;
                i += 1;
                (k, r)
            })
            .collect();
        Ok(build(
            page,
            rows,
            |(k, _)| *k,
            |(_, r)| ScenarioGroupResult { by, row: r },
            total,
        ))
    }

    /// Week by week, for one service or group (`of`), or for every service
    /// in the run together.
    #[graphql(
        complexity = "cost::aggregate(1, cost::Scope::Area) + cost::list(MAX_HORIZON_WEEKS as usize, child_complexity)"
    )]
    async fn series(
        &self,
        ctx: &Context<'_>,
        of: Option<SeriesOfInput>,
    ) -> Result<Vec<ScenarioWeek>> {
        let of = match of {
            None => SeriesOf::All,
            Some(SeriesOfInput {
                service_id: Some(id),
                group_by: None,
                key: None,
            }) => SeriesOf::Service(decode_as("of.serviceId", "Service", &id)?),
            Some(SeriesOfInput {
                service_id: None,
                group_by: Some(by),
                key: Some(key),
            }) => SeriesOf::Group(by.into(), key),
            Some(_) => {
                return Err(AppError::bad_input(
                    "of",
                    "give a serviceId, or a groupBy with its key",
                )
                .into())
            }
        };
        let s = app::series(&ctx.app(), self.0.id, &of).await?;
        Ok(weeks(&s))
    }

    /// Extra demand no service within reach could absorb, by ward, need and
    /// why; never dropped.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn unabsorbed(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<UnabsorbedDemand>> {
        let page = Page::parse(first, after)?;
        let rows = app::unabsorbed(&ctx.app(), self.0.id, page.request()).await?;
        let store = ctx.store().clone();
        let run_id = self.0.id;
        let total = TotalCount::new(move || {
            let store = store.clone();
            async move { store_page::total::<scenario_run_unabsorbed::Entity>(&store, &run_id).await }
        });
        Ok(build(page, rows, |r| r.id, UnabsorbedDemand, total))
    }
}

/// One week of a series.
#[derive(SimpleObject)]
pub struct ScenarioWeek {
    pub week: i32,
    pub arrivals_before: f64,
    pub arrivals_after: f64,
    pub capacity_before: f64,
    pub capacity_after: f64,
    pub waiting_before: f64,
    pub waiting_after: f64,
    /// Little's law: the waiting list ÷ throughput, in days; null when
    /// people wait and nobody starts.
    pub wait_days_before: Option<f64>,
    pub wait_days_after: Option<f64>,
    /// Bands over the replications (a single service only).
    pub waiting_band: Option<Band>,
    pub wait_days_band: Option<Band>,
}

fn weeks(s: &Series) -> Vec<ScenarioWeek> {
    let at = |v: &[f64], w: usize| v.get(w).copied().unwrap_or(0.0);
    let opt = |v: &[Option<f64>], w: usize| v.get(w).copied().flatten();
    let band = |p10: &[Option<f64>], p50: &[Option<f64>], p90: &[Option<f64>], w: usize| {
        (w < p50.len()).then(|| Band {
            p10: opt(p10, w),
            p50: opt(p50, w),
            p90: opt(p90, w),
        })
    };
    (0..s.arrivals_after.len())
        .map(|w| ScenarioWeek {
            week: w as i32,
            arrivals_before: at(&s.arrivals_before, w),
            arrivals_after: at(&s.arrivals_after, w),
            capacity_before: at(&s.rate_before, w),
            capacity_after: at(&s.rate_after, w),
            waiting_before: at(&s.waiting_before, w),
            waiting_after: at(&s.waiting_after, w),
            wait_days_before: opt(&s.wait_days_before, w),
            wait_days_after: opt(&s.wait_days_after, w),
            waiting_band: band(&s.waiting_p10, &s.waiting_p50, &s.waiting_p90, w),
            wait_days_band: band(&s.wait_days_p10, &s.wait_days_p50, &s.wait_days_p90, w),
        })
        .collect()
}

/// One service in a run, before and after the changes.
pub struct ScenarioServiceResult(pub scenario_run_service::Model);

/// A service's figures over the horizon.
#[derive(SimpleObject)]
pub struct ScenarioFigures {
    /// Mean arrivals a week.
    pub arrivals_per_week: f64,
    /// Mean service rate a week: places, or caseload ÷ episode length.
    pub capacity_per_week: f64,
    /// Mean arrivals ÷ mean capacity; null with no capacity.
    pub utilisation: Option<f64>,
    /// The busiest week's arrivals ÷ that week's capacity.
    pub peak_utilisation: Option<f64>,
    /// Whether some week's arrivals exceed its capacity.
    pub over_capacity: bool,
    /// The first week (from 0) over 100%.
    pub first_week_over: Option<i32>,
    pub weeks_over: i32,
    pub peak_waiting_list: f64,
    /// The longest projected wait, in days; null when it has no end.
    pub peak_wait_days: Option<f64>,
    /// The most places a week it lacks, in any one week, beyond its own
    /// rate, to stay at the target utilisation and clear its backlog
    /// within the relief weeks.
    pub extra_places_needed: f64,
    /// The places it lacks, week by week, at the service's unit cost,
    /// added over the weeks they are lacking; null without a unit cost.
    pub funding_needed: Option<Pence>,
}

#[Object]
impl ScenarioServiceResult {
    /// The service; null for one the scenario adds.
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        match self.0.service_id {
            Some(id) => Ok(load(ctx, ServiceId(id)).await?.map(Service)),
            None => Ok(None),
        }
    }

    /// The name of a service the scenario adds.
    async fn new_service(&self) -> Option<&str> {
        self.0.new_service.as_deref()
    }

    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Ok(load(ctx, OrganisationId(self.0.organisation_id))
            .await?
            .map(Organisation))
    }

    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        match self.0.ward_id {
            Some(id) => Ok(load(ctx, AreaId(id)).await?.map(Area)),
            None => Ok(None),
        }
    }

    /// Whether the changes reach it.
    async fn changed(&self) -> bool {
        self.0.changed
    }

    async fn before(&self) -> ScenarioFigures {
        let r = &self.0;
        ScenarioFigures {
            arrivals_per_week: r.before_arrivals,
            capacity_per_week: r.before_rate,
            utilisation: r.before_utilisation,
            peak_utilisation: r.before_peak_utilisation,
            over_capacity: r.before_first_week_over.is_some(),
            first_week_over: r.before_first_week_over,
            weeks_over: r.before_weeks_over,
            peak_waiting_list: r.before_peak_waiting,
            peak_wait_days: r.before_peak_wait_days,
            extra_places_needed: r.before_extra_places,
            funding_needed: r.before_funding_pence.map(Pence),
        }
    }

    async fn after(&self) -> ScenarioFigures {
        let r = &self.0;
        ScenarioFigures {
            arrivals_per_week: r.after_arrivals,
            capacity_per_week: r.after_rate,
            utilisation: r.after_utilisation,
            peak_utilisation: r.after_peak_utilisation,
            over_capacity: r.after_first_week_over.is_some(),
            first_week_over: r.after_first_week_over,
            weeks_over: r.after_weeks_over,
            peak_waiting_list: r.after_peak_waiting,
            peak_wait_days: r.after_peak_wait_days,
            extra_places_needed: r.after_extra_places,
            funding_needed: r.after_funding_pence.map(Pence),
        }
    }

    /// The band of the peak waiting list after the changes (null for a
    /// service they leave as it was).
    async fn peak_waiting_band(&self) -> Option<Band> {
        let r = &self.0;
        r.changed.then_some(Band {
            p10: r.peak_waiting_p10,
            p50: r.peak_waiting_p50,
            p90: r.peak_waiting_p90,
        })
    }

    async fn peak_wait_days_band(&self) -> Option<Band> {
        let r = &self.0;
        r.changed.then_some(Band {
            p10: r.peak_wait_days_p10,
            p50: r.peak_wait_days_p50,
            p90: r.peak_wait_days_p90,
        })
    }
}

/// A group of a run's services, before and after.
pub struct ScenarioGroupResult {
    by: ScenarioGroupBy,
    row: RunGroupRow,
}

#[Object]
impl ScenarioGroupResult {
    /// The group's key: an organisation, ward, local authority or PCN id
    /// (as a number), or a need code; empty for services with no known
    /// place.
    async fn key(&self) -> &str {
        &self.row.key
    }

    /// The group's name.
    async fn label(&self, ctx: &Context<'_>) -> Result<String> {
        let id = || self.row.key.parse::<i64>().ok();
        Ok(match (self.by, id()) {
            (ScenarioGroupBy::Need, _) => load(ctx, NeedLabel(self.row.key.clone()))
                .await?
                .unwrap_or_else(|| self.row.key.clone()),
            (ScenarioGroupBy::Organisation, Some(id)) => load(ctx, OrganisationId(id))
                .await?
                .map(|o| o.name)
                .unwrap_or_default(),
            (ScenarioGroupBy::Pcn, Some(id)) => load(ctx, PcnId(id))
                .await?
                .map(|p| p.name)
                .unwrap_or_default(),
            (_, Some(id)) => load(ctx, AreaId(id))
                .await?
                .map(|a| a.name)
                .unwrap_or_default(),
            (_, None) => "No known place".to_owned(),
        })
    }

    async fn services(&self) -> i32 {
        self.row.services as i32
    }

    async fn services_changed(&self) -> i32 {
        self.row.services_changed as i32
    }

    async fn before(&self) -> GroupFigures {
        group_side(&self.row, false)
    }

    async fn after(&self) -> GroupFigures {
        group_side(&self.row, true)
    }
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum UnabsorbedReason {
    /// No service within reach addresses the need.
    NoServiceNearby,
    /// Services within reach address it, but none has the capability.
    LacksCapability,
    /// None within reach takes their age.
    NotForTheirAge,
    /// Those that fit are paused or closed.
    NoneOpen,
}

/// A capability a service lacks.
#[derive(SimpleObject)]
pub struct MissingCapability {
    pub kind: CapabilityKind,
    pub code: String,
}

/// Extra demand nothing within reach could absorb.
pub struct UnabsorbedDemand(pub scenario_run_unabsorbed::Model);

#[Object]
impl UnabsorbedDemand {
    async fn ward(&self, ctx: &Context<'_>) -> Result<Option<Area>> {
        Ok(load(ctx, AreaId(self.0.ward_id)).await?.map(Area))
    }

    async fn need(&self) -> Result<NeedCode> {
        Ok(stored(crate::domain::codes::Need::parse, &self.0.need_code)?.into())
    }

    async fn reason(&self) -> Result<UnabsorbedReason> {
        Ok(match self.0.reason.as_str() {
            "no_service_nearby" => UnabsorbedReason::NoServiceNearby,
            "lacks_capability" => UnabsorbedReason::LacksCapability,
            "not_for_their_age" => UnabsorbedReason::NotForTheirAge,
            "none_open" => UnabsorbedReason::NoneOpen,
            other => {
                return Err(AppError::Internal(format!("unknown reason '{other}' in a run")).into())
            }
        })
    }

    async fn missing_capability(&self) -> Result<Option<MissingCapability>> {
        match (&self.0.capability_kind, &self.0.capability_code) {
            (Some(kind), Some(code)) => Ok(Some(MissingCapability {
                kind: stored(crate::domain::capability::CapabilityKind::parse, kind)?.into(),
                code: code.clone(),
            })),
            _ => Ok(None),
        }
    }

    /// Referrals over the horizon.
    async fn referrals(&self) -> f64 {
        self.0.total
    }

    async fn peak_per_week(&self) -> f64 {
        self.0.peak_per_week
    }

    /// Referrals each week of the horizon.
    #[graphql(complexity = "cost::list(MAX_HORIZON_WEEKS as usize, 1)")]
    async fn per_week(&self) -> Result<Vec<f64>> {
        serde_json::from_str(&self.0.per_week)
            .map_err(|e| AppError::Internal(format!("a run's weeks did not read back: {e}")).into())
    }
}

/// A scenario beside its baseline, from its latest run.
pub struct ComparedScenario {
    pub scenario: i64,
}

#[Object]
impl ComparedScenario {
    async fn scenario(&self, ctx: &Context<'_>) -> Result<Option<Scenario>> {
        load(ctx, ScenarioId(self.scenario))
            .await?
            .map(|m| Ok(Scenario::of(m)?))
            .transpose()
    }

    /// Its latest run, whose totals hold the baseline (`before`) beside
    /// the scenario (`after`); null when it has never been run.
    async fn run(&self, ctx: &Context<'_>) -> Result<Option<ScenarioRun>> {
        Ok(load(ctx, LatestRun(self.scenario)).await?.map(ScenarioRun))
    }
}

/// Errors of a projection against what happened.
#[derive(SimpleObject)]
pub struct BacktestErrors {
    /// Mean of |projected − actual|.
    pub mean_absolute: f64,
    /// Σ|projected − actual| ÷ Σ actual, as a share.
    pub weighted_share: Option<f64>,
    /// Mean of projected − actual: above 0 the model projects too much.
    pub bias: f64,
    /// Service-weeks (or services) compared.
    pub points: i32,
}

fn backtest_errors(e: &crate::domain::scenario::backtest::Errors) -> BacktestErrors {
    BacktestErrors {
        mean_absolute: e.mean_absolute,
        weighted_share: e.weighted_share,
        bias: e.bias,
        points: e.points as i32,
    }
}

/// One service's projection against what happened.
pub struct BacktestService(pub crate::app::backtest::ServiceErrors);

#[Object]
impl BacktestService {
    async fn service(&self, ctx: &Context<'_>) -> Result<Option<Service>> {
        Ok(load(ctx, ServiceId(self.0.service_id)).await?.map(Service))
    }

    /// Arrivals over all the weeks, projected and actual.
    async fn projected_arrivals(&self) -> f64 {
        self.0.projected_arrivals
    }

    async fn actual_arrivals(&self) -> f64 {
        self.0.actual_arrivals
    }

    /// Week by week.
    async fn arrivals(&self) -> BacktestErrors {
        backtest_errors(&self.0.arrivals)
    }

    async fn waiting_list(&self) -> BacktestErrors {
        backtest_errors(&self.0.waiting)
    }

    async fn utilisation(&self) -> BacktestErrors {
        backtest_errors(&self.0.utilisation)
    }
}

/// How far to trust a projection: the model fed the demand that really
/// came after a past baseline, against what happened.
pub struct Backtest {
    pub backtest: crate::app::backtest::Backtest,
    pub first: usize,
}

#[Object]
impl Backtest {
    async fn baseline_from(&self) -> Date {
        Date(self.backtest.baseline.from())
    }

    async fn baseline_to(&self) -> Date {
        Date(self.backtest.baseline.to())
    }

    async fn weeks(&self) -> i32 {
        self.backtest.weeks as i32
    }

    /// Referrals taken on in the weeks after the baseline.
    async fn demand(&self) -> f64 {
        self.backtest.demand
    }

    /// Of which the model found no service within reach for.
    async fn unabsorbed(&self) -> f64 {
        self.backtest.unabsorbed
    }

    /// Each service's arrivals, week by week.
    async fn arrivals(&self) -> BacktestErrors {
        backtest_errors(&self.backtest.arrivals)
    }

    /// Each service's arrivals over all the weeks together.
    async fn period_arrivals(&self) -> BacktestErrors {
        backtest_errors(&self.backtest.period_arrivals)
    }

    /// The same for the naive projection that each service takes on what
    /// it took on in the baseline: the yardstick for the model.
    async fn naive_period_arrivals(&self) -> BacktestErrors {
        backtest_errors(&self.backtest.naive_period_arrivals)
    }

    /// Each service's waiting list at the end of each week.
    async fn waiting_list(&self) -> BacktestErrors {
        backtest_errors(&self.backtest.waiting)
    }

    /// Each service's utilisation, week by week.
    async fn utilisation(&self) -> BacktestErrors {
        backtest_errors(&self.backtest.utilisation)
    }

    /// The services with the largest arrivals error, largest first.
    #[graphql(
        complexity = "cost::list(crate::graphql::connection::MAX_FIRST as usize, child_complexity)"
    )]
    async fn services(&self) -> Vec<BacktestService> {
        self.backtest
            .services
            .iter()
            .take(self.first)
            .cloned()
            .map(BacktestService)
            .collect()
    }
}
