//! "What if we add this gateway?": commissioners write scenarios, run
//! them, and read and compare the runs. Each resolver parses, makes one
//! call into `app::scenarios` or `app::scenario_run`, and wraps.

mod inputs;
pub mod types;

use async_graphql::{Context, Object, Result, ID};

use crate::app::{scenario_run, scenarios as app};
use crate::graphql::connection::{build, Conn, Page, TotalCount};
use crate::graphql::context::ContextExt;
use crate::graphql::cost;
use crate::graphql::ids::decode_as;
use crate::graphql::metrics::WindowInput;
use crate::store::entity::scenario;
use crate::store::page as store_page;
use crate::store::scenarios::ScenarioFilter;
use inputs::ScenarioInput;
use types::{Backtest, ComparedScenario, Scenario, ScenarioRun};

/// Scenarios compared side by side at most.
const MAX_COMPARED: usize = 10;
/// What a run costs against the complexity limit: it reads the baseline
/// of every service within reach, a year of history and runs the model.
const RUN_COST: usize = 2_000;

#[derive(Default)]
pub struct ScenarioQuery;

#[Object]
impl ScenarioQuery {
    /// A scenario, for commissioners and admins; null if there is none.
    async fn scenario(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Scenario>> {
        let id = decode_as("id", "Scenario", &id)?;
        app::get(&ctx.app(), id)
            .await?
            .map(|m| Ok(Scenario::of(m)?))
            .transpose()
    }

    /// Scenarios, oldest first; archived ones only when asked for.
    #[graphql(complexity = "cost::listing(first, child_complexity)")]
    async fn scenarios(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_archived: bool,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Conn<Scenario>> {
        let page = Page::parse(first, after)?;
        let rows = app::list(&ctx.app(), include_archived, page.request()).await?;
        let rows = rows
            .into_iter()
            .map(Scenario::of)
            .collect::<Result<Vec<_>, _>>()?;
        let store = ctx.store().clone();
        let filter = ScenarioFilter { include_archived };
        let total = TotalCount::new(move || {
            let (store, filter) = (store.clone(), filter.clone());
            async move { store_page::total::<scenario::Entity>(&store, &filter).await }
        });
        Ok(build(page, rows, Scenario::key, |s| s, total))
    }

    /// A run of a scenario.
    async fn scenario_run(&self, ctx: &Context<'_>, id: ID) -> Result<ScenarioRun> {
        let id = decode_as("id", "ScenarioRun", &id)?;
        Ok(ScenarioRun(app::run_of(&ctx.app(), id).await?))
    }

    /// How far to trust a projection: the model is given `baseline` (in
    /// the past) and the demand that really came in the `weeks` after it,
    /// and its projection is set against what happened. Lists the `first`
    /// services with the largest errors.
    #[graphql(
        complexity = "cost::aggregate(cost::weeks(&baseline) + weeks.max(1) as usize, cost::Scope::Everywhere) + child_complexity"
    )]
    async fn scenario_backtest(
        &self,
        ctx: &Context<'_>,
        baseline: WindowInput,
        #[graphql(default = 12)] weeks: i32,
        #[graphql(default = 10)] first: i32,
    ) -> Result<Backtest> {
        let window = baseline.parse()?;
        let page = Page::parse(Some(first), None)?;
        let backtest = crate::app::backtest::backtest(&ctx.app(), window, i64::from(weeks)).await?;
        Ok(Backtest {
            backtest,
            first: page.first,
        })
    }

    /// Scenarios side by side, each with its latest run (whose totals
    /// hold its baseline beside it): up to 10.
    #[graphql(complexity = "cost::list(ids.len().min(MAX_COMPARED), child_complexity)")]
    async fn compare_scenarios(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> Result<Vec<ComparedScenario>> {
        let ids = ids
            .iter()
            .enumerate()
            .map(|(i, id)| decode_as(&format!("ids.{i}"), "Scenario", id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(app::compare(&ctx.app(), &ids, MAX_COMPARED)
            .await?
            .into_iter()
            .map(|scenario| ComparedScenario { scenario })
            .collect())
    }
}

#[derive(Default)]
pub struct ScenarioMutations;

#[Object]
impl ScenarioMutations {
    /// Writes a new scenario, owned by the caller. Every place, service,
    /// organisation and gateway it names must exist.
    async fn create_scenario(&self, ctx: &Context<'_>, input: ScenarioInput) -> Result<Scenario> {
        let draft = input.parse()?;
        Ok(Scenario::of(app::create(&ctx.app(), draft).await?)?)
    }

    /// Replaces a scenario's settings and changes (its owner or an admin).
    async fn edit_scenario(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ScenarioInput,
    ) -> Result<Scenario> {
        let id = decode_as("id", "Scenario", &id)?;
        let draft = input.parse()?;
        Ok(Scenario::of(app::edit(&ctx.app(), id, draft).await?)?)
    }

    /// A copy owned by the caller, to change without touching the original.
    async fn copy_scenario(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: Option<String>,
    ) -> Result<Scenario> {
        let id = decode_as("id", "Scenario", &id)?;
        let name = crate::domain::text::optional(
            "name",
            name.as_deref(),
            crate::domain::bounds::Text::Name,
        )?;
        Ok(Scenario::of(app::copy(&ctx.app(), id, name).await?)?)
    }

    /// Archives a scenario (its owner or an admin): it stays readable with
    /// its runs, and no longer runs.
    async fn archive_scenario(&self, ctx: &Context<'_>, id: ID) -> Result<Scenario> {
        let id = decode_as("id", "Scenario", &id)?;
        Ok(Scenario::of(app::archive(&ctx.app(), id).await?)?)
    }

    /// Runs a scenario on the data as it is now, and keeps the run.
    #[graphql(complexity = "RUN_COST + child_complexity")]
    async fn run_scenario(&self, ctx: &Context<'_>, id: ID) -> Result<ScenarioRun> {
        let id = decode_as("id", "Scenario", &id)?;
        Ok(ScenarioRun(scenario_run::run(&ctx.app(), id).await?))
    }
}
