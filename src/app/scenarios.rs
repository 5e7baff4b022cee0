//! Scenarios: commissioners write, copy and archive them; every reference
//! a scenario makes (a place, a service, an organisation, a gateway) is
//! checked before it is stored, naming the field that is wrong. Running
//! one is `scenario_run`; reading a run's results is here.

use chrono::{Duration, Utc};

use super::Context;
use crate::domain::access::Principal;
use crate::domain::codes::Role;
use crate::domain::metrics::Window;
use crate::domain::scenario::change::{
    check_baseline, ChangeKind, Definition, DEFAULT_BASELINE_WEEKS,
};
use crate::domain::scenario::series::Series;
use crate::error::{AppError, AppResult};
use crate::store::entity::{scenario, scenario_run, scenario_run_service, scenario_run_unabsorbed};
use crate::store::page::{self, PageRequest};
use crate::store::scenarios::{self as store, Named, RunGroupBy, RunGroupRow, RunServiceFilter};
use crate::store::{areas, scenario_history};

/// Who plans: commissioners and admins.
const PLANNERS: &[Role] = &[Role::Commissioner, Role::Admin];

/// A scenario as its author states it, parsed.
#[derive(Debug, Clone)]
pub struct Draft {
    pub name: String,
    pub description: Option<String>,
    /// The baseline window; the 12 weeks before today when None.
    pub baseline: Option<Window>,
    pub definition: Definition,
}

pub fn require_planner(p: &Principal, doing: &str) -> AppResult<()> {
    if p.is(PLANNERS) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{doing} is for commissioners and admins; this key is {}",
            p.role
        )))
    }
}

fn require_owner(p: &Principal, s: &scenario::Model, doing: &str) -> AppResult<()> {
    if p.role == Role::Admin || s.owner_key_id == p.key_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "{doing} is for the commissioner who made the scenario (or an admin); copy it to change it"
        )))
    }
}

fn default_baseline(cx: &Context<'_>) -> AppResult<Window> {
    let to = cx.today + Duration::days(1);
    Ok(Window::parse(
        to - Duration::weeks(DEFAULT_BASELINE_WEEKS),
        to,
    )?)
}

/// The row `what` names, or BAD_USER_INPUT naming `field`: for a
/// service, the organisation that runs it.
async fn known(cx: &Context<'_>, field: &str, what: Named, id: i64) -> AppResult<i64> {
    store::lookup(cx.store, what, id).await?.ok_or_else(|| {
        let name = match what {
            Named::Service => "service",
            Named::Organisation => "organisation",
            Named::Gateway => "gateway",
        };
        AppError::bad_input(field, format!("no {name} with id {id} is known"))
    })
}

/// Checks that everything the definition names exists.
async fn check_references(cx: &Context<'_>, d: &Definition) -> AppResult<()> {
    if let Some(place) = d.area {
        scenario_history::wards_of(cx.store, "area", place).await?;
    }
    for (i, change) in d.changes.iter().enumerate() {
        let field = format!("changes.{i}.{}", change.what.field());
        match &change.what {
            ChangeKind::ExtraDemand { place, .. } | ChangeKind::GatewayStaff { place, .. } => {
                scenario_history::wards_of(cx.store, &format!("{field}.place"), *place).await?;
            }
            ChangeKind::Capacity { service_id, .. } => {
                known(
                    cx,
                    &format!("{field}.serviceId"),
                    Named::Service,
                    *service_id,
                )
                .await?;
            }
            ChangeKind::NewService(new) => {
                known(
                    cx,
                    &format!("{field}.organisationId"),
                    Named::Organisation,
                    new.organisation_id,
                )
                .await?;
                areas::require_ward(cx.store, &format!("{field}.wardId"), new.ward_id)
                    .await
                    .map_err(|e| match e {
                        AppError::NotFound { .. } => AppError::bad_input(
                            &format!("{field}.wardId"),
                            format!("no ward with id {} is known", new.ward_id),
                        ),
                        other => other,
                    })?;
            }
            ChangeKind::Funding {
                organisation_id,
                service_id,
                ..
            } => {
                known(
                    cx,
                    &format!("{field}.organisationId"),
                    Named::Organisation,
                    *organisation_id,
                )
                .await?;
                if let Some(id) = service_id {
                    let runs_it =
                        known(cx, &format!("{field}.serviceId"), Named::Service, *id).await?;
                    if runs_it != *organisation_id {
                        return Err(AppError::bad_input(
                            &format!("{field}.serviceId"),
                            "the service is not run by that organisation",
                        ));
                    }
                }
            }
            ChangeKind::GatewayReduced { gateway_id, .. } => {
                known(
                    cx,
                    &format!("{field}.gatewayId"),
                    Named::Gateway,
                    *gateway_id,
                )
                .await?;
            }
        }
    }
    Ok(())
}

pub async fn create(cx: &Context<'_>, draft: Draft) -> AppResult<scenario::Model> {
    require_planner(cx.principal, "making a scenario")?;
    check_references(cx, &draft.definition).await?;
    let baseline = match draft.baseline {
        Some(w) => {
            check_baseline(&w, cx.today)?;
            w
        }
        None => default_baseline(cx)?,
    };
    store::create(
        cx.store,
        cx.principal.key_id,
        &store::ScenarioFields {
            name: &draft.name,
            description: draft.description.as_deref(),
            definition: &draft.definition,
            baseline: &baseline,
        },
        None,
        Utc::now(),
    )
    .await
}

pub async fn edit(cx: &Context<'_>, id: i64, draft: Draft) -> AppResult<scenario::Model> {
    require_planner(cx.principal, "editing a scenario")?;
    let current = store::require(cx.store, id).await?;
    require_owner(cx.principal, &current, "editing a scenario")?;
    if current.archived_at.is_some() {
        return Err(AppError::Conflict(
            "the scenario is archived; copy it to change it".into(),
        ));
    }
    check_references(cx, &draft.definition).await?;
    let baseline = match draft.baseline {
        Some(w) => {
            check_baseline(&w, cx.today)?;
            w
        }
        None => Window::parse(current.baseline_from, current.baseline_to)?,
    };
    store::update(
        cx.store,
        id,
        &store::ScenarioFields {
            name: &draft.name,
            description: draft.description.as_deref(),
            definition: &draft.definition,
            baseline: &baseline,
        },
        Utc::now(),
    )
    .await
}

/// A copy owned by the caller, named `name` or "Copy of …".
pub async fn copy(cx: &Context<'_>, id: i64, name: Option<String>) -> AppResult<scenario::Model> {
    require_planner(cx.principal, "copying a scenario")?;
    let from = store::require(cx.store, id).await?;
    let definition = store::definition(&from.definition)?;
    let baseline = Window::parse(from.baseline_from, from.baseline_to)?;
    let name = name.unwrap_or_else(|| format!("Copy of {}", from.name));
    store::create(
        cx.store,
        cx.principal.key_id,
        &store::ScenarioFields {
            name: &name,
            description: from.description.as_deref(),
            definition: &definition,
            baseline: &baseline,
        },
        Some(from.id),
        Utc::now(),
    )
    .await
}

pub async fn archive(cx: &Context<'_>, id: i64) -> AppResult<scenario::Model> {
    require_planner(cx.principal, "archiving a scenario")?;
    let current = store::require(cx.store, id).await?;
    require_owner(cx.principal, &current, "archiving a scenario")?;
    if current.archived_at.is_some() {
        return Ok(current);
    }
    store::archive(cx.store, id, Utc::now()).await
}

pub async fn get(cx: &Context<'_>, id: i64) -> AppResult<Option<scenario::Model>> {
    require_planner(cx.principal, "reading scenarios")?;
    Ok(store::find(cx.store, &[id]).await?.remove(&id))
}

pub async fn list(
    cx: &Context<'_>,
    include_archived: bool,
    page: PageRequest,
) -> AppResult<Vec<scenario::Model>> {
    require_planner(cx.principal, "reading scenarios")?;
    page::list::<scenario::Entity>(cx.store, &store::ScenarioFilter { include_archived }, page)
        .await
}

pub async fn run_of(cx: &Context<'_>, id: i64) -> AppResult<scenario_run::Model> {
    require_planner(cx.principal, "reading scenario runs")?;
    store::require_run(cx.store, id).await
}

pub async fn runs(
    cx: &Context<'_>,
    scenario_id: i64,
    page: PageRequest,
) -> AppResult<Vec<scenario_run::Model>> {
    require_planner(cx.principal, "reading scenario runs")?;
    page::list::<scenario_run::Entity>(cx.store, &store::RunFilter { scenario_id }, page).await
}

pub async fn services(
    cx: &Context<'_>,
    filter: &RunServiceFilter,
    page: PageRequest,
) -> AppResult<Vec<scenario_run_service::Model>> {
    require_planner(cx.principal, "reading scenario runs")?;
    store::run_services(cx.store, filter, page).await
}

pub async fn groups(
    cx: &Context<'_>,
    run_id: i64,
    by: RunGroupBy,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<RunGroupRow>> {
    require_planner(cx.principal, "reading scenario runs")?;
    store::run_groups(cx.store, run_id, by, offset, limit).await
}

pub async fn unabsorbed(
    cx: &Context<'_>,
    run_id: i64,
    page: PageRequest,
) -> AppResult<Vec<scenario_run_unabsorbed::Model>> {
    require_planner(cx.principal, "reading scenario runs")?;
    store::unabsorbed(cx.store, run_id, page).await
}

/// Whose week-by-week figures to read from a run.
#[derive(Debug, Clone)]
pub enum SeriesOf {
    Service(i64),
    Group(RunGroupBy, String),
    /// Every service in the run.
    All,
}

/// The figures of a service or group, week by week.
pub async fn series(cx: &Context<'_>, run_id: i64, of: &SeriesOf) -> AppResult<Series> {
    require_planner(cx.principal, "reading scenario runs")?;
    let rows = match of {
        SeriesOf::Service(id) => {
            store::run_services(
                cx.store,
                &RunServiceFilter {
                    run_id,
                    changed_only: false,
                    service_id: Some(*id),
                },
                PageRequest {
                    after: None,
                    limit: 1,
                },
            )
            .await?
        }
        SeriesOf::Group(by, key) => store::group_members(cx.store, run_id, *by, key).await?,
        SeriesOf::All => store::all_run_services(cx.store, run_id).await?,
    };
    if rows.is_empty() {
        return Err(AppError::NotFound {
            what: "service or group in this run",
            id: format!("{of:?}"),
        });
    }
    let parts: Vec<Series> = rows.iter().map(store::series).collect::<AppResult<_>>()?;
    Ok(match of {
        SeriesOf::Service(_) => parts.into_iter().next().unwrap_or_default(),
        _ => Series::sum(&parts),
    })
}

/// The scenarios to compare, in the order asked, each once; NOT_FOUND for
/// one that does not exist, BAD_USER_INPUT past `max`.
pub async fn compare(cx: &Context<'_>, ids: &[i64], max: usize) -> AppResult<Vec<i64>> {
    require_planner(cx.principal, "comparing scenarios")?;
    if ids.is_empty() || ids.len() > max {
        return Err(AppError::bad_input(
            "ids",
            format!("compare 1 to {max} scenarios; got {}", ids.len()),
        ));
    }
    let found = store::find(cx.store, ids).await?;
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !found.contains_key(id) {
            return Err(AppError::not_found("scenario", id));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}
