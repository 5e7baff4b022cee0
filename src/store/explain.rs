//! What a statement costs the database: rows read by its scans, from
//! PostgreSQL's `EXPLAIN (ANALYZE)`. SQLite keeps no such count.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::Store;
use crate::error::{AppError, AppResult};

/// Σ actual rows × loops over the scan nodes of the statement's plan, or
/// `None` on SQLite.
pub async fn rows_scanned(store: &Store, stmt: &Statement) -> AppResult<Option<u64>> {
    if store.backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let explain = Statement {
        sql: format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", stmt.sql),
        values: stmt.values.clone(),
        db_backend: stmt.db_backend,
    };
    let row = store
        .db()
        .query_one(explain)
        .await?
        .ok_or_else(|| AppError::Internal("EXPLAIN returned no plan".into()))?;
    let plan: serde_json::Value = row
        .try_get_by_index(0)
        .map_err(|e| AppError::Internal(format!("EXPLAIN plan unreadable: {e}")))?;
    Ok(Some(scanned(&plan)))
}

fn scanned(node: &serde_json::Value) -> u64 {
    match node {
        serde_json::Value::Array(items) => items.iter().map(scanned).sum(),
        serde_json::Value::Object(map) => {
            let own = match map.get("Node Type").and_then(|t| t.as_str()) {
                Some(t) if t.ends_with("Scan") && t != "CTE Scan" && t != "Subquery Scan" => {
                    let rows = map
                        .get("Actual Rows")
                        .and_then(|r| r.as_f64())
                        .unwrap_or(0.0);
                    let loops = map
                        .get("Actual Loops")
                        .and_then(|r| r.as_f64())
                        .unwrap_or(1.0);
                    (rows * loops) as u64
                }
                _ => 0,
            };
            own + map
                .iter()
                .filter(|(k, _)| *k == "Plan" || *k == "Plans")
                .map(|(_, v)| scanned(v))
                .sum::<u64>()
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_are_summed_over_the_plan_tree_with_their_loops() {
        let plan = serde_json::json!([{ "Plan": {
            "Node Type": "Hash Join", "Actual Rows": 5, "Actual Loops": 1,
            "Plans": [
                { "Node Type": "Seq Scan", "Actual Rows": 100, "Actual Loops": 1 },
                { "Node Type": "Index Scan", "Actual Rows": 3, "Actual Loops": 4 },
                { "Node Type": "CTE Scan", "Actual Rows": 50, "Actual Loops": 1 }
            ] } }]);
        assert_eq!(scanned(&plan), 112);
    }
}
