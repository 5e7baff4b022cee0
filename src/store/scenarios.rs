//! Scenarios and their runs: written whole, in one transaction each, and
//! read back page by page. A run's rows never change once written, so its
//! pages are stable.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Select, Set, TransactionTrait,
};
use serde::Serialize;

use super::entity::{
    scenario, scenario_run, scenario_run_need, scenario_run_service, scenario_run_unabsorbed,
};
use super::page::{self, Listing, PageRequest};
use super::sql::Sql;
use super::{numbered, Store, NUMBERED_BY_THE_DATABASE};
use crate::domain::codes::Need;
use crate::domain::metrics::Window;
use crate::domain::parallel::map_chunks;
use crate::domain::scenario::change::Definition;
use crate::domain::scenario::engine::{Ledger, ServiceOutcome, UnabsorbedFlow};
use crate::domain::scenario::routing::Unabsorbed;
use crate::domain::scenario::series::{round, Series};
use crate::domain::scenario::Assumption;
use crate::error::{AppError, AppResult};

/// A scenario as its owner states it.
pub struct ScenarioFields<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub definition: &'a Definition,
    pub baseline: &'a Window,
}

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value)
        .map_err(|e| AppError::Internal(format!("a scenario did not serialise: {e}")))
}

/// The definition stored with a scenario or run.
pub fn definition(json: &str) -> AppResult<Definition> {
    serde_json::from_str(json)
        .map_err(|e| AppError::Internal(format!("a stored scenario did not read back: {e}")))
}

pub fn assumptions(run: &scenario_run::Model) -> AppResult<Vec<Assumption>> {
    serde_json::from_str(&run.assumptions)
        .map_err(|e| AppError::Internal(format!("a run's assumptions did not read back: {e}")))
}

pub fn ledger(run: &scenario_run::Model) -> AppResult<Ledger> {
    let l: StoredLedger = serde_json::from_str(&run.ledger)
        .map_err(|e| AppError::Internal(format!("a run's ledger did not read back: {e}")))?;
    Ok(Ledger {
        added: l.added,
        routed: l.routed,
        unabsorbed: l.unabsorbed,
        removed: l.removed,
    })
}

#[derive(Serialize, serde::Deserialize)]
struct StoredLedger {
    added: Vec<f64>,
    routed: Vec<f64>,
    unabsorbed: Vec<f64>,
    removed: Vec<f64>,
}

pub async fn create(
    store: &Store,
    owner_key_id: i64,
    fields: &ScenarioFields<'_>,
    copied_from: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<scenario::Model> {
    let row = scenario::Model {
        id: NUMBERED_BY_THE_DATABASE,
        name: fields.name.to_owned(),
        description: fields.description.map(str::to_owned),
        owner_key_id,
        definition: to_json(fields.definition)?,
        baseline_from: fields.baseline.from(),
        baseline_to: fields.baseline.to(),
        copied_from,
        created_at: now,
        updated_at: now,
        archived_at: None,
    };
    let txn = store.db().begin().await?;
    let saved = numbered(row).insert(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Replaces a scenario's name, description and definition.
pub async fn update(
    store: &Store,
    id: i64,
    fields: &ScenarioFields<'_>,
    now: DateTime<Utc>,
) -> AppResult<scenario::Model> {
    let txn = store.db().begin().await?;
    let current = require_in(&txn, id).await?;
    let mut active = current.into_active_model();
    active.name = Set(fields.name.to_owned());
    active.description = Set(fields.description.map(str::to_owned));
    active.definition = Set(to_json(fields.definition)?);
    active.baseline_from = Set(fields.baseline.from());
    active.baseline_to = Set(fields.baseline.to());
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn archive(store: &Store, id: i64, now: DateTime<Utc>) -> AppResult<scenario::Model> {
    let txn = store.db().begin().await?;
    let current = require_in(&txn, id).await?;
    let mut active = current.into_active_model();
    active.archived_at = Set(Some(now));
    active.updated_at = Set(now);
    let saved = active.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn require_in<C: sea_orm::ConnectionTrait>(db: &C, id: i64) -> AppResult<scenario::Model> {
    scenario::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("scenario", id))
}

pub async fn require(store: &Store, id: i64) -> AppResult<scenario::Model> {
    require_in(&*store.lane().await?, id).await
}

pub async fn find(store: &Store, ids: &[i64]) -> AppResult<HashMap<i64, scenario::Model>> {
    page::find::<scenario::Entity>(store, ids).await
}

#[derive(Debug, Clone, Default)]
pub struct ScenarioFilter {
    pub include_archived: bool,
}

impl Listing for scenario::Entity {
    type Filter = ScenarioFilter;

    fn select(f: &ScenarioFilter) -> Select<Self> {
        let s = scenario::Entity::find();
        if f.include_archived {
            s
        } else {
            s.filter(scenario::Column::ArchivedAt.is_null())
        }
    }

    fn id() -> Self::Column {
        scenario::Column::Id
    }
}

/// One service's result in a run, with where it is and what it addresses.
pub struct RunService<'a> {
    pub outcome: &'a ServiceOutcome,
    /// None for a service the scenario adds; then `new_service` names it.
    pub service_id: Option<i64>,
    pub new_service: Option<String>,
    pub organisation_id: i64,
    pub ward_id: Option<i64>,
    pub needs: Vec<Need>,
}

/// Everything a run stores.
pub struct RunRecord<'a> {
    pub scenario_id: i64,
    pub ran_by: i64,
    pub ran_at: DateTime<Utc>,
    pub data_as_of: Option<NaiveDate>,
    pub baseline: &'a Window,
    pub definition: &'a Definition,
    pub assumptions: &'a [Assumption],
    pub ledger: &'a Ledger,
    /// In the order their pages list them.
    pub services: Vec<RunService<'a>>,
    pub unabsorbed: &'a [UnabsorbedFlow],
    pub staff_cost_pence: i64,
    pub new_funding_pence: i64,
    pub elapsed_ms: i64,
}

/// Rows per INSERT: well under PostgreSQL's 65,535 bind parameters and
/// SQLite's 32,766 for the widest row here.
const ROWS_PER_INSERT: usize = 500;

pub fn series(row: &scenario_run_service::Model) -> AppResult<Series> {
    let stored: serde_json::Value = serde_json::from_str(&row.series)
        .map_err(|e| AppError::Internal(format!("a run's series did not read back: {e}")))?;
    serde_json::from_value(runs::expand(stored))
        .map_err(|e| AppError::Internal(format!("a run's series did not read back: {e}")))
}

/// A run's week-by-week series are stored as runs of equal values: most
/// weeks of most services repeat (a rate, a baseline, an empty waiting
/// list), and a run stores one row a service. A field is an array as it
/// was, or `{"runs": [[value, weeks], …]}` where that is shorter; both
/// read back.
mod runs {
    use serde_json::{json, Map, Value};

    pub fn compact(series: Value) -> Value {
        map_fields(series, |values| {
            let Value::Array(items) = values else {
                return values;
            };
            let mut runs: Vec<(Value, u64)> = Vec::new();
            for v in &items {
                match runs.last_mut() {
                    Some((last, n)) if last == v => *n += 1,
                    _ => runs.push((v.clone(), 1)),
                }
            }
            if runs.len() * 2 < items.len() {
                json!({ "runs": runs.into_iter().map(|(v, n)| json!([v, n])).collect::<Vec<_>>() })
            } else {
                Value::Array(items)
            }
        })
    }

    pub fn expand(stored: Value) -> Value {
        map_fields(stored, |field| {
            let Some(Value::Array(runs)) = field.get("runs") else {
                return field;
            };
            let mut out = Vec::new();
            for run in runs {
                let n = run.get(1).and_then(Value::as_u64).unwrap_or(0);
                let v = run.get(0).cloned().unwrap_or(Value::Null);
                out.extend(std::iter::repeat_n(v, n as usize));
            }
            Value::Array(out)
        })
    }

    fn map_fields(value: Value, f: impl Fn(Value) -> Value) -> Value {
        match value {
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, f(v)))
                    .collect::<Map<String, Value>>(),
            ),
            other => other,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn series_stored_as_runs_read_back_as_they_were() {
            let series = json!({
                "rate_after": [10.0, 10.0, 10.0, 10.0, 12.0, 12.0],
                "waiting_after": [0.0, 1.5, 3.0, 4.5, 6.0, 7.5],
                "wait_days_p50": [null, null, null, null, null, null],
                "waiting_p10": [],
            });
            let stored = compact(series.clone());
            assert_eq!(
                stored["rate_after"],
                json!({ "runs": [[10.0, 4], [12.0, 2]] })
            );
            assert!(stored["waiting_after"].is_array(), "no shorter as runs");
            assert_eq!(expand(stored), series);
            // Rows stored before runs read back too.
            assert_eq!(expand(series.clone()), series);
        }
    }
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn service_row(run_id: i64, s: &RunService<'_>) -> AppResult<scenario_run_service::Model> {
    let o = s.outcome;
    let side = |p: &crate::domain::scenario::projection::Projection, rates: &[f64]| {
        let arrivals: Vec<f64> = p.weeks.iter().map(|w| w.arrivals).collect();
        let (a, r) = (mean(&arrivals), mean(rates));
        (
            a,
            r,
            (r > 0.0).then(|| a / r),
            p.weeks
                .iter()
                .filter_map(|w| w.utilisation)
                .reduce(f64::max),
            p.peak_waiting,
            p.peak_wait_days(),
            p.first_week_over.map(|w| w as i32),
            p.weeks_over as i32,
        )
    };
    let b = side(&o.before, &o.rates_before);
    let a = side(&o.after, &o.rates_after);
    let band = o.bands.as_ref();
    Ok(scenario_run_service::Model {
        id: NUMBERED_BY_THE_DATABASE,
        run_id,
        service_id: s.service_id,
        new_service: s.new_service.clone(),
        organisation_id: s.organisation_id,
        ward_id: s.ward_id,
        changed: o.changed(),
        before_arrivals: b.0,
        before_rate: b.1,
        before_utilisation: b.2,
        before_peak_utilisation: b.3,
        before_peak_waiting: b.4,
        before_peak_wait_days: b.5,
        before_first_week_over: b.6,
        before_weeks_over: b.7,
        before_extra_places: o.needed_before.extra_places,
        before_funding_pence: o.needed_before.funding.map(|p| p.get()),
        after_arrivals: a.0,
        after_rate: a.1,
        after_utilisation: a.2,
        after_peak_utilisation: a.3,
        after_peak_waiting: a.4,
        after_peak_wait_days: a.5,
        after_first_week_over: a.6,
        after_weeks_over: a.7,
        after_extra_places: o.needed_after.extra_places,
        after_funding_pence: o.needed_after.funding.map(|p| p.get()),
        peak_waiting_p10: band.and_then(|b| b.peak_waiting.p10),
        peak_waiting_p50: band.and_then(|b| b.peak_waiting.p50),
        peak_waiting_p90: band.and_then(|b| b.peak_waiting.p90),
        peak_wait_days_p10: band.and_then(|b| b.peak_wait_days.p10),
        peak_wait_days_p50: band.and_then(|b| b.peak_wait_days.p50),
        peak_wait_days_p90: band.and_then(|b| b.peak_wait_days.p90),
        series: to_json(&runs::compact(
            serde_json::to_value(Series::of(o))
                .map_err(|e| AppError::Internal(format!("a scenario did not serialise: {e}")))?,
        ))?,
    })
}

/// Every service's row (for a run yet to be numbered), built on as many
/// threads as the machine has cores: each row's series is serialised, and
/// a run stores hundreds.
fn service_rows(services: &[RunService<'_>]) -> AppResult<Vec<scenario_run_service::Model>> {
    map_chunks(services, |chunk| {
        chunk
            .iter()
            .map(|s| service_row(NUMBERED_BY_THE_DATABASE, s))
            .collect()
    })
    .into_iter()
    .collect()
}

/// The stored code of why demand went unabsorbed, and the capability
/// missing where that is why.
fn reason_code(why: &Unabsorbed) -> (&'static str, Option<(&str, &str)>) {
    match why {
        Unabsorbed::NoServiceNearby => ("no_service_nearby", None),
        Unabsorbed::LacksCapability(c) => {
            ("lacks_capability", Some((c.kind.as_str(), c.code.as_str())))
        }
        Unabsorbed::NotForTheirAge => ("not_for_their_age", None),
        Unabsorbed::NoneOpen => ("none_open", None),
    }
}

/// Stores a run whole: the run, a row per service with its needs, and the
/// demand nothing absorbed; all or nothing.
pub async fn record_run(store: &Store, r: RunRecord<'_>) -> AppResult<scenario_run::Model> {
    let run = scenario_run::Model {
        id: NUMBERED_BY_THE_DATABASE,
        scenario_id: r.scenario_id,
        ran_by: r.ran_by,
        ran_at: r.ran_at,
        data_as_of: r.data_as_of,
        baseline_from: r.baseline.from(),
        baseline_to: r.baseline.to(),
        definition: to_json(r.definition)?,
        assumptions: to_json(&r.assumptions)?,
        ledger: to_json(&StoredLedger {
            added: r.ledger.added.iter().copied().map(round).collect(),
            routed: r.ledger.routed.iter().copied().map(round).collect(),
            unabsorbed: r.ledger.unabsorbed.iter().copied().map(round).collect(),
            removed: r.ledger.removed.iter().copied().map(round).collect(),
        })?,
        services: r.services.len() as i32,
        services_changed: r.services.iter().filter(|s| s.outcome.changed()).count() as i32,
        staff_cost_pence: r.staff_cost_pence,
        new_funding_pence: r.new_funding_pence,
        elapsed_ms: r.elapsed_ms,
    };
    let clock = std::time::Instant::now();
    let lap =
        |what: &str| tracing::debug!(what, ms = clock.elapsed().as_millis(), "scenario store");
    // Built before the transaction starts, so that the write lock is held
    // for the writing alone.
    let mut rows = service_rows(&r.services)?;
    lap("rows built");
    let txn = store.db().begin().await?;
    let run = numbered(run).insert(&txn).await?;
    for row in &mut rows {
        row.run_id = run.id;
    }
    let mut needs: Vec<(usize, Need)> = Vec::new();
    for (i, s) in r.services.iter().enumerate() {
        needs.extend(s.needs.iter().map(|n| (i, *n)));
    }
    // Rows are numbered in the order written, so each chunk's ids follow
    // its first; read them back in that order to attach the needs.
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        scenario_run_service::Entity::insert_many(chunk.iter().cloned().map(numbered))
            .exec(&txn)
            .await?;
    }
    if !rows.is_empty() {
        ids.extend(
            scenario_run_service::Entity::find()
                .select_only()
                .column(scenario_run_service::Column::Id)
                .filter(scenario_run_service::Column::RunId.eq(run.id))
                .order_by_asc(scenario_run_service::Column::Id)
                .into_tuple::<i64>()
                .all(&txn)
                .await?,
        );
    }
    lap("services written");
    let need_rows: Vec<scenario_run_need::ActiveModel> = needs
        .into_iter()
        .filter_map(|(i, n)| {
            Some(
                scenario_run_need::Model {
                    run_service_id: *ids.get(i)?,
                    need_code: n.as_str().to_owned(),
                }
                .into_active_model(),
            )
        })
        .collect();
    for chunk in need_rows.chunks(ROWS_PER_INSERT * 10) {
        scenario_run_need::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    lap("needs written");
    let lost: Vec<scenario_run_unabsorbed::Model> = r
        .unabsorbed
        .iter()
        .map(|f| {
            let (reason, capability) = reason_code(&f.why);
            Ok(scenario_run_unabsorbed::Model {
                id: NUMBERED_BY_THE_DATABASE,
                run_id: run.id,
                ward_id: f.ward_id,
                need_code: f.need.as_str().to_owned(),
                reason: reason.to_owned(),
                capability_kind: capability.map(|c| c.0.to_owned()),
                capability_code: capability.map(|c| c.1.to_owned()),
                total: f.per_week.iter().sum(),
                peak_per_week: f.per_week.iter().copied().fold(0.0, f64::max),
                per_week: to_json(&f.per_week.iter().copied().map(round).collect::<Vec<_>>())?,
            })
        })
        .collect::<AppResult<_>>()?;
    for chunk in lost.chunks(ROWS_PER_INSERT) {
        scenario_run_unabsorbed::Entity::insert_many(chunk.iter().cloned().map(numbered))
            .exec(&txn)
            .await?;
    }
    lap("unabsorbed written");
    txn.commit().await?;
    lap("committed");
    Ok(run)
}

pub async fn require_run(store: &Store, id: i64) -> AppResult<scenario_run::Model> {
    scenario_run::Entity::find_by_id(id)
        .one(&*store.lane().await?)
        .await?
        .ok_or_else(|| AppError::not_found("scenario run", id))
}

pub async fn find_runs(store: &Store, ids: &[i64]) -> AppResult<HashMap<i64, scenario_run::Model>> {
    page::find::<scenario_run::Entity>(store, ids).await
}

/// The latest run of each scenario.
pub async fn latest_runs(
    store: &Store,
    scenarios: &[i64],
) -> AppResult<HashMap<i64, scenario_run::Model>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: i64,
    }
    let mut sql = Sql::new("SELECT MAX(id) AS id FROM scenario_run WHERE scenario_id IN ");
    sql.bind_list(scenarios).push(" GROUP BY scenario_id");
    let ids: Vec<i64> = Row::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    Ok(find_runs(store, &ids)
        .await?
        .into_values()
        .map(|r| (r.scenario_id, r))
        .collect())
}

#[derive(Debug, Clone, Copy)]
pub struct RunFilter {
    pub scenario_id: i64,
}

impl Listing for scenario_run::Entity {
    type Filter = RunFilter;

    fn select(f: &RunFilter) -> Select<Self> {
        scenario_run::Entity::find().filter(scenario_run::Column::ScenarioId.eq(f.scenario_id))
    }

    fn id() -> Self::Column {
        scenario_run::Column::Id
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RunServiceFilter {
    pub run_id: i64,
    /// Only the services the changes touch.
    pub changed_only: bool,
    pub service_id: Option<i64>,
}

impl Listing for scenario_run_service::Entity {
    type Filter = RunServiceFilter;

    fn select(f: &RunServiceFilter) -> Select<Self> {
        let mut s = scenario_run_service::Entity::find()
            .filter(scenario_run_service::Column::RunId.eq(f.run_id));
        if f.changed_only {
            s = s.filter(scenario_run_service::Column::Changed.eq(true));
        }
        if let Some(id) = f.service_id {
            s = s.filter(scenario_run_service::Column::ServiceId.eq(id));
        }
        s
    }

    fn id() -> Self::Column {
        scenario_run_service::Column::Id
    }
}

impl Listing for scenario_run_unabsorbed::Entity {
    type Filter = i64;

    fn select(run_id: &i64) -> Select<Self> {
        scenario_run_unabsorbed::Entity::find()
            .filter(scenario_run_unabsorbed::Column::RunId.eq(*run_id))
    }

    fn id() -> Self::Column {
        scenario_run_unabsorbed::Column::Id
    }
}

pub async fn run_services(
    store: &Store,
    filter: &RunServiceFilter,
    page: PageRequest,
) -> AppResult<Vec<scenario_run_service::Model>> {
    page::list::<scenario_run_service::Entity>(store, filter, page).await
}

/// What a run's services are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunGroupBy {
    Organisation,
    Ward,
    LocalAuthority,
    Pcn,
    Need,
}

impl RunGroupBy {
    fn key(self) -> &'static str {
        match self {
            RunGroupBy::Organisation => "CAST(rs.organisation_id AS TEXT)",
            RunGroupBy::Ward => "COALESCE(CAST(rs.ward_id AS TEXT), '')",
            RunGroupBy::LocalAuthority => {
                "COALESCE(CAST((SELECT w.parent_id FROM area w WHERE w.id = rs.ward_id) AS TEXT), '')"
            }
            // A ward's PCN: the PCN of its GP practices (the lowest-numbered
            // where several serve it), as on the overview.
            RunGroupBy::Pcn => {
                "COALESCE(CAST((SELECT MIN(p.pcn_id) FROM gp_practice p WHERE p.ward_id = rs.ward_id) AS TEXT), '')"
            }
            RunGroupBy::Need => "rn.need_code",
        }
    }
}

/// A group's sums in a run, before and after.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct RunGroupRow {
    pub key: String,
    pub services: i64,
    pub services_changed: i64,
    pub before_arrivals: f64,
    pub after_arrivals: f64,
    pub before_rate: f64,
    pub after_rate: f64,
    pub before_over: i64,
    pub after_over: i64,
    pub before_first_week_over: Option<i32>,
    pub after_first_week_over: Option<i32>,
    pub before_peak_waiting: f64,
    pub after_peak_waiting: f64,
    pub before_funding_pence: Option<i64>,
    pub after_funding_pence: Option<i64>,
}

/// The sums a group (or a whole run) reads, over `rs`, its service rows.
const SUMS: &str = "CAST(COUNT(*) AS BIGINT) AS services,
    CAST(SUM(CASE WHEN rs.changed THEN 1 ELSE 0 END) AS BIGINT) AS services_changed,
    CAST(SUM(rs.before_arrivals) AS DOUBLE PRECISION) AS before_arrivals,
    CAST(SUM(rs.after_arrivals) AS DOUBLE PRECISION) AS after_arrivals,
    CAST(SUM(rs.before_rate) AS DOUBLE PRECISION) AS before_rate,
    CAST(SUM(rs.after_rate) AS DOUBLE PRECISION) AS after_rate,
    CAST(SUM(CASE WHEN rs.before_first_week_over IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS before_over,
    CAST(SUM(CASE WHEN rs.after_first_week_over IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS after_over,
    MIN(rs.before_first_week_over) AS before_first_week_over,
    MIN(rs.after_first_week_over) AS after_first_week_over,
    CAST(SUM(rs.before_peak_waiting) AS DOUBLE PRECISION) AS before_peak_waiting,
    CAST(SUM(rs.after_peak_waiting) AS DOUBLE PRECISION) AS after_peak_waiting,
    CAST(SUM(rs.before_funding_pence) AS BIGINT) AS before_funding_pence,
    CAST(SUM(rs.after_funding_pence) AS BIGINT) AS after_funding_pence";

/// Each run's sums over all its services, by run id.
pub async fn run_totals(store: &Store, runs: &[i64]) -> AppResult<HashMap<i64, RunGroupRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT CAST(rs.run_id AS TEXT) AS key, {SUMS}
         FROM scenario_run_service rs WHERE rs.run_id IN "
    ));
    sql.bind_list(runs).push(" GROUP BY rs.run_id");
    Ok(RunGroupRow::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?
        .into_iter()
        .filter_map(|r| Some((r.key.parse().ok()?, r)))
        .collect())
}

/// The groups of a run in key order: `offset` and `limit` page them (a
/// run's rows never change, so offsets are stable).
pub async fn run_groups(
    store: &Store,
    run_id: i64,
    by: RunGroupBy,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<RunGroupRow>> {
    let mut sql = Sql::default();
    let run = sql.param(run_id);
    let (offset, limit) = (sql.param(offset as i64), sql.param(limit as i64));
    let join = if by == RunGroupBy::Need {
        "JOIN scenario_run_need rn ON rn.run_service_id = rs.id"
    } else {
        ""
    };
    sql.push(&format!(
        "SELECT {key} AS key, {SUMS}
         FROM scenario_run_service rs {join}
         WHERE rs.run_id = {run}
         GROUP BY {key}
         ORDER BY {key}
         LIMIT {limit} OFFSET {offset}",
        key = by.key(),
    ));
    Ok(RunGroupRow::find_by_statement(sql.build(store.backend()))
        .all(&*store.lane().await?)
        .await?)
}

/// How many groups a run has.
pub async fn run_group_count(store: &Store, run_id: i64, by: RunGroupBy) -> AppResult<u64> {
    #[derive(FromQueryResult)]
    struct Row {
        n: i64,
    }
    let mut sql = Sql::default();
    let run = sql.param(run_id);
    let join = if by == RunGroupBy::Need {
        "JOIN scenario_run_need rn ON rn.run_service_id = rs.id"
    } else {
        ""
    };
    sql.push(&format!(
        "SELECT CAST(COUNT(DISTINCT {key}) AS BIGINT) AS n
         FROM scenario_run_service rs {join} WHERE rs.run_id = {run}",
        key = by.key(),
    ));
    Ok(Row::find_by_statement(sql.build(store.backend()))
        .one(&*store.lane().await?)
        .await?
        .map_or(0, |r| r.n as u64))
}

/// The service rows of one group of a run (for its week-by-week series).
pub async fn group_members(
    store: &Store,
    run_id: i64,
    by: RunGroupBy,
    key: &str,
) -> AppResult<Vec<scenario_run_service::Model>> {
    let mut sql = Sql::default();
    let (run, k) = (sql.param(run_id), sql.param(key.to_owned()));
    let join = if by == RunGroupBy::Need {
        "JOIN scenario_run_need rn ON rn.run_service_id = rs.id"
    } else {
        ""
    };
    sql.push(&format!(
        "SELECT rs.* FROM scenario_run_service rs {join}
         WHERE rs.run_id = {run} AND {key} = {k} ORDER BY rs.id",
        key = by.key(),
    ));
    Ok(
        scenario_run_service::Model::find_by_statement(sql.build(store.backend()))
            .all(&*store.lane().await?)
            .await?,
    )
}

pub async fn unabsorbed(
    store: &Store,
    run_id: i64,
    page: PageRequest,
) -> AppResult<Vec<scenario_run_unabsorbed::Model>> {
    page::list::<scenario_run_unabsorbed::Entity>(store, &run_id, page).await
}

/// Every service row of a run, in list order.
pub async fn all_run_services(
    store: &Store,
    run_id: i64,
) -> AppResult<Vec<scenario_run_service::Model>> {
    Ok(scenario_run_service::Entity::find()
        .filter(scenario_run_service::Column::RunId.eq(run_id))
        .order_by_asc(scenario_run_service::Column::Id)
        .all(&*store.lane().await?)
        .await?)
}

/// What a scenario's changes may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Service,
    Organisation,
    Gateway,
}

/// Whether the row exists: the organisation that runs a service, or the
/// id itself for the others; None when there is no such row.
pub async fn lookup(store: &Store, what: Named, id: i64) -> AppResult<Option<i64>> {
    use super::entity::{gateway, organisation, service};
    let db = &*store.lane().await?;
    Ok(match what {
        Named::Service => service::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|s| s.organisation_id),
        Named::Organisation => organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|o| o.id),
        Named::Gateway => gateway::Entity::find_by_id(id).one(db).await?.map(|g| g.id),
    })
}

/// Keys by id: the names of who made and ran scenarios.
pub async fn keys_by_id(
    store: &Store,
    ids: &[i64],
) -> AppResult<HashMap<i64, super::entity::api_key::Model>> {
    page::by_ids::<super::entity::api_key::Entity, _>(
        &*store.lane().await?,
        super::entity::api_key::Column::Id,
        ids,
    )
    .await
}
