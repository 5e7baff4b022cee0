//! The dashboard queries the benchmark runs, each with the SQL behind it.

use serde_json::{json, Value};

use crate::domain::metrics::Window;
use crate::error::AppResult;
use crate::graphql::ids;
use crate::store::bench::Statements;
use crate::store::funding_gaps::FundingQuery;
use crate::store::metrics::{GroupBy, OverviewQuery, Reads};
use crate::store::Store;

pub struct Case {
    pub name: String,
    pub query: &'static str,
    pub variables: Value,
    /// The statements that compute the same aggregate, run directly.
    pub statements: Statements,
}

impl Case {
    pub async fn run_raw(&self, store: &Store) -> AppResult<()> {
        self.statements.run(store).await
    }
}

const OVERVIEW: &str = "query ($window: WindowInput!, $areaId: ID, $groupBy: OverviewGroupBy) {
  capacityOverview(window: $window, areaId: $areaId, groupBy: $groupBy, first: 100) {
    totalCount
    edges { node { key label services capacity caseloadCapacity demand activeCaseload waitingList
      utilisation overCapacity headroom waitMedianDays waitP90Days declineRateCapacity
      declineRateCapability staleServices status } }
  }
}";

const TREND: &str = "query ($window: WindowInput!, $areaId: ID) {
  capacityTrend(window: $window, areaId: $areaId) {
    window { from } capacity demand utilisation waitingList waitMedianDays
  }
}";

const FUNDING: &str = "query ($window: WindowInput!, $areaId: ID) {
  fundingGaps(period: $window, areaId: $areaId, groupBy: ORGANISATION, first: 100) {
    totalCount edges { node { key label referralsStarted costOfDemand funding gap } }
  }
}";

const UNCOMMISSIONED: &str = "query ($window: WindowInput!, $areaId: ID) {
  uncommissionedWork(period: $window, areaId: $areaId, first: 100) {
    totalCount edges { node { kind hours value hourlyRate organisation { name } } }
  }
}";

fn overview(window: Window, area: Option<i64>, group_by: GroupBy) -> OverviewQuery {
    let today = window.last_day();
    OverviewQuery {
        windows: vec![window],
        area_id: area,
        need: None,
        gateway_id: None,
        group_by,
        services: None,
        today,
        stale_before: chrono::Utc::now() - chrono::Duration::days(30),
        keyed: None,
        reads: Reads::All,
    }
}

pub fn all(store: &Store, window: Window, icb: i64, authority: i64) -> Vec<Case> {
    let w = json!({ "from": window.from().to_string(), "to": window.to().to_string() });
    let area = |id: i64| ids::encode("Area", id).0;
    let quarter =
        Window::parse(window.to() - chrono::Duration::days(84), window.to()).expect("12 weeks");
    let q = json!({ "from": quarter.from().to_string(), "to": quarter.to().to_string() });
    let mut trend = overview(quarter, Some(authority), GroupBy::All);
    trend.windows = quarter.weeks_in();
    vec![
        Case {
            name: "capacityOverview by service, one local authority, 12 months".into(),
            query: OVERVIEW,
            variables: json!({ "window": w, "areaId": area(authority), "groupBy": "SERVICE" }),
            statements: Statements::overview(
                store,
                &overview(window, Some(authority), GroupBy::Service),
            ),
        },
        Case {
            name: "capacityOverview by service, one ICB, 12 months".into(),
            query: OVERVIEW,
            variables: json!({ "window": w, "areaId": area(icb), "groupBy": "SERVICE" }),
            statements: Statements::overview(store, &overview(window, Some(icb), GroupBy::Service)),
        },
        Case {
            name: "capacityOverview by ICB, everywhere, 12 months".into(),
            query: OVERVIEW,
            variables: json!({ "window": w, "groupBy": "ICB" }),
            statements: Statements::overview(store, &overview(window, None, GroupBy::Icb)),
        },
        Case {
            name: "capacityTrend, one local authority, 12 weeks".into(),
            query: TREND,
            variables: json!({ "window": q, "areaId": area(authority) }),
            statements: Statements::overview(store, &trend),
        },
        Case {
            name: "fundingGaps by organisation, one local authority, 12 months".into(),
            query: FUNDING,
            variables: json!({ "window": w, "areaId": area(authority) }),
            statements: Statements::funding(
                store,
                &FundingQuery {
                    period: window,
                    area_id: Some(authority),
                    group_by: GroupBy::Organisation,
                },
            ),
        },
        Case {
            name: "uncommissionedWork, one local authority, 12 months".into(),
            query: UNCOMMISSIONED,
            variables: json!({ "window": w, "areaId": area(authority) }),
            statements: Statements::contributions(store, &window, Some(authority)),
        },
    ]
}

/// How many rows a response holds: the edges of a connection, or the
/// items of a list.
pub fn count_rows(body: &Value) -> usize {
    let Some(data) = body.get("data").and_then(Value::as_object) else {
        return 0;
    };
    data.values()
        .map(|v| match v {
            Value::Array(items) => items.len(),
            Value::Object(o) => o.get("edges").and_then(Value::as_array).map_or(0, Vec::len),
            _ => 0,
        })
        .sum()
}
