//! The statements behind the benchmark's dashboard queries, run straight
//! against the database beside the same queries through HTTP.

use sea_orm::{ConnectionTrait, Statement};

use super::funding_gaps::{funding_statements, FundingQuery};
use super::metrics::{overview_statement, OverviewQuery};
use super::uncommissioned::contribution_statement;
use super::{explain, Store};
use crate::domain::metrics::Window;
use crate::error::AppResult;

/// The statements that compute one dashboard aggregate.
pub struct Statements(Vec<Statement>);

impl Statements {
    /// The capacity overview's one statement.
    pub fn overview(store: &Store, q: &OverviewQuery) -> Self {
        Self(vec![overview_statement(store, q)])
    }

    /// The funding gaps' two statements (none if the query cannot be built).
    pub fn funding(store: &Store, q: &FundingQuery) -> Self {
        Self(
            funding_statements(store, q)
                .map(Vec::from)
                .unwrap_or_default(),
        )
    }

    /// Uncommissioned work's one statement.
    pub fn contributions(store: &Store, window: &Window, area_id: Option<i64>) -> Self {
        Self(vec![contribution_statement(store, window, area_id)])
    }

    /// Runs each, reading every row.
    pub async fn run(&self, store: &Store) -> AppResult<()> {
        for stmt in &self.0 {
            store.db().query_all(stmt.clone()).await?;
        }
        Ok(())
    }

    /// The rows the first statement scans (`explain::rows_scanned`).
    pub async fn rows_scanned(&self, store: &Store) -> AppResult<Option<u64>> {
        match self.0.first() {
            Some(stmt) => explain::rows_scanned(store, stmt).await,
            None => Ok(None),
        }
    }
}
