//! Relay connections over keyset pages: `first` (at most 100) and `after`,
//! edges with opaque cursors, `pageInfo`, and a `totalCount` that is only
//! counted when asked for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Object, OutputType, ID};

use super::ids;
use crate::error::{AppError, AppResult};
use crate::store::page::PageRequest;

pub const DEFAULT_FIRST: i32 = 20;
pub const MAX_FIRST: i32 = 100;

/// The page a client asked for, checked: `first` within 0..=100 and `after`
/// a cursor this API made.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub first: usize,
    pub after: Option<i64>,
}

impl Page {
    pub fn parse(first: Option<i32>, after: Option<String>) -> AppResult<Self> {
        let first = first.unwrap_or(DEFAULT_FIRST);
        if !(0..=MAX_FIRST).contains(&first) {
            return Err(AppError::bad_input(
                "first",
                format!("first must be between 0 and {MAX_FIRST}; got {first}"),
            ));
        }
        let after = after
            .map(|c| ids::decode_as("after", "cursor", &ID(c)))
            .transpose()?;
        Ok(Self {
            first: first as usize,
            after,
        })
    }

    /// One more row than the page holds, to learn whether another follows.
    pub fn request(&self) -> PageRequest {
        PageRequest {
            after: self.after,
            limit: self.first as u64 + 1,
        }
    }
}

type CountFuture = Pin<Box<dyn Future<Output = AppResult<u64>> + Send>>;

/// `totalCount`, run only if the query selects it.
#[derive(Clone)]
pub struct TotalCount(Arc<dyn Fn() -> CountFuture + Send + Sync>);

impl TotalCount {
    pub fn new<F, Fut>(count: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = AppResult<u64>> + Send + 'static,
    {
        Self(Arc::new(move || Box::pin(count())))
    }
}

#[Object]
impl TotalCount {
    /// How many items match, across all pages.
    async fn total_count(&self) -> async_graphql::Result<i64> {
        Ok((self.0)().await? as i64)
    }
}

pub type Conn<N> = Connection<String, N, TotalCount>;

/// Builds a connection from rows fetched with `page.request()`.
pub fn build<M, N: OutputType>(
    page: Page,
    rows: Vec<M>,
    key: impl Fn(&M) -> i64,
    node: impl Fn(M) -> N,
    total: TotalCount,
) -> Conn<N> {
    let has_next = rows.len() > page.first;
    let mut conn = Connection::with_additional_fields(page.after.is_some(), has_next, total);
    conn.edges
        .extend(rows.into_iter().take(page.first).map(|row| {
            let cursor = ids::encode("cursor", key(&row)).0;
            Edge::new(cursor, node(row))
        }));
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_over_one_hundred_is_refused() {
        assert_eq!(
            Page::parse(Some(101), None).unwrap_err().code(),
            "BAD_USER_INPUT"
        );
        assert!(Page::parse(Some(-1), None).is_err());
        assert_eq!(Page::parse(Some(100), None).unwrap().first, 100);
    }

    #[test]
    fn a_cursor_from_elsewhere_is_refused() {
        assert!(Page::parse(None, Some("abc".into())).is_err());
        let service_id = ids::encode("Service", 3).0;
        assert!(Page::parse(None, Some(service_id)).is_err());
    }
}
