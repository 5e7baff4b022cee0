//! What each field costs against the complexity limit, so that the cost of
//! a query grows with the work it asks for:
//!
//! - a list counts its bound, or a stated estimate of its size, times its
//!   child (a list of 40 areas of 40 areas is 1,600 areas, not 80);
//! - an aggregate counts the weeks it reads times its scope (one service, an
//!   area, everywhere);
//! - a connection counts what it computes (a count, an aggregate) plus
//!   `first` × its child, and never less than one child: `first: 0` still
//!   runs the count.
//!
//! A test walks the schema and fails when a list or connection field has
//! no cost of its own.

use super::metrics::WindowInput;
use async_graphql::ID;

/// Stated estimates of child lists that take no `first`: their usual upper
/// size, so that nesting them multiplies.
pub mod estimate {
    /// Wards in a local authority, local authorities in an ICB: most
    /// authorities have fewer than 40 wards, a few large cities up to 69
    /// (ONS, Ward to Local Authority District lookup); an ICB spans 1 to
    /// 15 authorities. The answer's size limit catches the largest.
    pub const AREA_CHILDREN: usize = 40;
    /// GP practices in a PCN: most serve 30,000 to 50,000 people through
    /// a handful of practices (NHS England, Network Contract DES).
    pub const PCN_PRACTICES: usize = 20;
    /// An organisation's venues, services, awards, skills.
    pub const PER_ORGANISATION: usize = 25;
    /// An organisation's contribution records: one a week for a year.
    pub const CONTRIBUTIONS: usize = 52;
    /// Needs or capabilities on one service or referral, capabilities in a
    /// search (the vocabularies are a few dozen codes).
    pub const CODES: usize = 30;
    /// Versions of a service's capacity or status over its history.
    pub const HISTORY: usize = 52;
    /// Capacity versions in force during one window: a provider that
    /// records a change every week of a quarter.
    pub const VERSIONS_IN_WINDOW: usize = 12;
    /// Events on one referral: every move of a lifecycle with a few
    /// re-sends stays under this.
    pub const REFERRAL_EVENTS: usize = 20;
    /// Register entries one report is recorded against: one per need.
    pub const PER_NEED: usize = 10;
}

/// How much of the data an aggregate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One service, or one register entry's area and need.
    One,
    /// An ICB, local authority or ward.
    Area,
    /// Every service in the database.
    Everywhere,
}

impl Scope {
    /// Relative cost per week read. An all-England roll-up reads about a
    /// hundred times the flows of one local authority; an ICB a few times.
    fn weight(self) -> usize {
        match self {
            Scope::One => 1,
            Scope::Area => 5,
            Scope::Everywhere => 50,
        }
    }

    /// An area if one is named, everywhere otherwise.
    pub fn of_area(area_id: &Option<ID>) -> Self {
        if area_id.is_some() {
            Scope::Area
        } else {
            Scope::Everywhere
        }
    }

    /// One service if named, else an area if named, else everywhere.
    pub fn of(service_id: &Option<ID>, area_id: &Option<ID>) -> Self {
        if service_id.is_some() {
            Scope::One
        } else {
            Self::of_area(area_id)
        }
    }
}

/// A listing connection computes a page and possibly a count.
const LISTING: usize = 2;

/// Weeks a window spans, rounded up, at least one. A window outside the
/// bounds is refused by its resolver before it runs; here it counts one.
pub fn weeks(window: &WindowInput) -> usize {
    let days = match (
        window.from.day("window.from"),
        window.to.window_end("window.to"),
    ) {
        (Ok(from), Ok(to)) => (to - from).num_days().max(1),
        _ => 1,
    };
    usize::try_from((days + 6) / 7).unwrap_or(usize::MAX)
}

/// An aggregate over `weeks` in `scope`.
pub fn aggregate(weeks: usize, scope: Scope) -> usize {
    weeks.max(1).saturating_mul(scope.weight())
}

/// An aggregate over a window.
pub fn over(window: &WindowInput, scope: Scope) -> usize {
    aggregate(weeks(window), scope)
}

/// A week-by-week series: the aggregate, twice over (each flow is counted
/// in every week it spans), and one point a week.
pub fn trend(window: &WindowInput, scope: Scope, child: usize) -> usize {
    over(window, scope)
        .saturating_mul(2)
        .saturating_add(list(weeks(window), child))
}

/// A register entry's live evidence: declines in its area and need over
/// the window (a year if left out).
pub fn evidence(window: &Option<WindowInput>, child: usize) -> usize {
    aggregate(window.as_ref().map_or(53, weeks), Scope::One).saturating_add(child)
}

/// A service search: the candidates near a ward with their measures over
/// the last twelve weeks, and `first` matches.
pub fn search(first: i32, child: usize) -> usize {
    aggregate(12, Scope::Area)
        .saturating_add(list(usize::try_from(first).unwrap_or(0).max(1), child))
}

/// A list of at most `bound` children.
pub fn list(bound: usize, child: usize) -> usize {
    bound.saturating_mul(child.max(1))
}

/// A connection: what it computes, plus `first` × its child (`first` at
/// least one, 20 when left out, as the resolver pages).
pub fn connection(first: Option<i32>, child: usize, computes: usize) -> usize {
    let first = usize::try_from(first.unwrap_or(super::connection::DEFAULT_FIRST)).unwrap_or(0);
    computes.saturating_add(list(first.max(1), child))
}

/// A connection over a table: a page and a count.
pub fn listing(first: Option<i32>, child: usize) -> usize {
    connection(first, child, LISTING)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
    use async_graphql::registry::MetaType;
    use async_graphql::Response;
    use chrono::NaiveDate;

    use super::*;
    use crate::graphql::scalars::Date;

    fn window(from: &str, to: &str) -> WindowInput {
        WindowInput {
            from: Date(NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap()),
            to: Date(NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap()),
        }
    }

    #[test]
    fn first_zero_still_costs_what_the_connection_computes() {
        let computes = over(&window("2026-01-01", "2027-01-01"), Scope::Area);
        assert!(connection(Some(0), 5, computes) >= computes + 5);
        assert!(listing(Some(0), 3) > 3);
    }

    #[test]
    fn an_aggregate_costs_more_over_a_longer_window_and_a_wider_scope() {
        let year = window("2026-01-01", "2027-01-01");
        let three_years = window("2024-01-01", "2027-01-01");
        assert!(over(&three_years, Scope::Area) > 2 * over(&year, Scope::Area));
        assert!(over(&year, Scope::Everywhere) > over(&year, Scope::Area));
        assert!(over(&year, Scope::Area) > over(&year, Scope::One));
    }

    #[test]
    fn nested_lists_multiply() {
        let inner = list(estimate::AREA_CHILDREN, 3);
        assert_eq!(list(estimate::AREA_CHILDREN, inner), 40 * 40 * 3);
    }

    /// Reads the schema's registry as the server holds it.
    struct ListFieldsWithoutCost(Arc<Mutex<Vec<String>>>);

    struct Reader(Arc<Mutex<Vec<String>>>);

    impl ExtensionFactory for ListFieldsWithoutCost {
        fn create(&self) -> Arc<dyn Extension> {
            Arc::new(Reader(self.0.clone()))
        }
    }

    #[async_graphql::async_trait::async_trait]
    impl Extension for Reader {
        async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
            let mut missing = Vec::new();
            for (type_name, ty) in &ctx.schema_env.registry.types {
                let MetaType::Object { fields, .. } = ty else {
                    continue;
                };
                // A connection's own edges are paid for by the field that
                // returns the connection (`first` × its child).
                if type_name.starts_with("__") || type_name.ends_with("Connection") {
                    continue;
                }
                for (field_name, field) in fields {
                    let many = field.ty.contains('[') || field.ty.contains("Connection");
                    if many && field.compute_complexity.is_none() {
                        missing.push(format!("{type_name}.{field_name}: {}", field.ty));
                    }
                }
            }
            self.0.lock().unwrap().extend(missing);
            next.run(ctx).await
        }
    }

    #[tokio::test]
    async fn every_list_and_connection_field_has_a_cost_of_its_own() {
        let missing = Arc::new(Mutex::new(Vec::new()));
        let schema = crate::graphql::builder()
            .extension(ListFieldsWithoutCost(missing.clone()))
            .finish();
        schema.execute("{ __typename }").await;
        let missing = missing.lock().unwrap();
        assert!(
            missing.is_empty(),
            "these fields return many items but cost as one: {missing:#?}"
        );
    }
}
