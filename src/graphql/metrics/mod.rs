//! The commissioner's queries: load, headroom, waits and declines; funding
//! gaps; uncommissioned work.

mod contributions;
mod funding;
mod overview;

use async_graphql::connection::{Connection, Edge};
use async_graphql::InputObject;

pub use contributions::ContributionQuery;
pub use funding::FundingQuery;
pub use overview::MetricsQuery;

use super::connection::{Conn, Page, TotalCount};
use super::ids;
use super::scalars::Date;
use crate::domain::metrics::Window;

/// A half-open range of days: `from` is in it, `to` is the first day after.
#[derive(InputObject, Clone, Copy)]
pub struct WindowInput {
    pub from: Date,
    pub to: Date,
}

impl WindowInput {
    pub fn parse(self) -> Result<Window, crate::error::AppError> {
        let from = self.from.day("window.from")?;
        Ok(Window::parse(from, self.to.window_end("window.to")?)?)
    }
}

/// A page of rows already in memory and in order; cursors are offsets.
fn offset_page<T: async_graphql::OutputType>(page: Page, rows: Vec<T>) -> Conn<T> {
    let total = rows.len() as u64;
    let start = page.after.map_or(0, |a| a as usize + 1);
    let has_next = rows.len() > start + page.first;
    let mut conn = Connection::with_additional_fields(
        start > 0,
        has_next,
        TotalCount::new(move || async move { Ok(total) }),
    );
    conn.edges.extend(
        rows.into_iter()
            .enumerate()
            .skip(start)
            .take(page.first)
            .map(|(i, g)| Edge::new(ids::encode("cursor", i as i64).0, g)),
    );
    conn
}
