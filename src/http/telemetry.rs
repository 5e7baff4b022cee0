//! What `/metrics` shows an operator, in the Prometheus text format:
//! operations by name and outcome (ok or the error code) with their
//! latency, requests refused by the limit that refused them, statements
//! sent and the pool's use. Operation names are the client's, so only the
//! first `MAX_NAMES` distinct names get a series of their own; the rest
//! count as `other`, and no client can grow the table without bound.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::store::Store;

const MAX_NAMES: usize = 64;
const MAX_NAME_LEN: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Operation {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Limit {
    limit: String,
}

/// Why a request was refused before or while it ran.
#[derive(Debug, Clone, Copy)]
pub enum Refusal {
    Rate,
    Concurrency,
    BodySize,
    MediaType,
    Method,
    Cost,
    ResponseSize,
    Timeout,
}

impl Refusal {
    fn label(self) -> &'static str {
        match self {
            Refusal::Rate => "rate",
            Refusal::Concurrency => "concurrency",
            Refusal::BodySize => "body_size",
            Refusal::MediaType => "media_type",
            Refusal::Method => "method",
            Refusal::Cost => "depth_or_complexity",
            Refusal::ResponseSize => "response_size",
            Refusal::Timeout => "timeout",
        }
    }
}

pub struct Telemetry {
    registry: Registry,
    operations: Family<Outcome, Counter>,
    latency: Family<Operation, Histogram>,
    refused: Family<Limit, Counter>,
    names: Mutex<HashSet<String>>,
}

/// Statements and pool use, read from the store at each scrape.
struct Database(Store);

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Database")
    }
}

impl Collector for Database {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let statements = ConstCounter::new(self.0.statements_executed());
        statements.encode(encoder.encode_descriptor(
            "headroom_db_statements",
            "SQL statements sent to the database",
            None,
            statements.metric_type(),
        )?)?;
        let pool = self.0.pool_use();
        for (name, help, value) in [
            (
                "headroom_db_pool_connections",
                "Database connections open in the pool",
                i64::from(pool.open),
            ),
            (
                "headroom_db_pool_connections_in_use",
                "Database connections in use by a request",
                i64::from(pool.open) - pool.idle as i64,
            ),
            (
                "headroom_db_pool_connections_max",
                "The pool's size limit",
                i64::from(pool.max),
            ),
        ] {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}

impl Telemetry {
    pub fn new(store: Store) -> Self {
        let mut registry = Registry::default();
        let operations = Family::<Outcome, Counter>::default();
        registry.register(
            "headroom_graphql_operations",
            "GraphQL operations run, by operation name and outcome (ok, or the first error's code)",
            operations.clone(),
        );
        let latency = Family::<Operation, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.005, 2.0, 14))
        });
        registry.register(
            "headroom_graphql_operation_seconds",
            "Time to answer a GraphQL operation, by operation name",
            latency.clone(),
        );
        let refused = Family::<Limit, Counter>::default();
        registry.register(
            "headroom_requests_refused",
            "Requests refused, by the limit that refused them",
            refused.clone(),
        );
        registry.register_collector(Box::new(Database(store)));
        Self {
            registry,
            operations,
            latency,
            refused,
            names: Mutex::new(HashSet::new()),
        }
    }

    /// The label for a client's operation name.
    fn name(&self, operation: Option<&str>) -> String {
        let Some(name) = operation.filter(|n| !n.is_empty()) else {
            return "anonymous".into();
        };
        let valid = name.len() <= MAX_NAME_LEN
            && name.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
            && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
        if !valid {
            return "other".into();
        }
        let Ok(mut names) = self.names.lock() else {
            return "other".into();
        };
        if names.contains(name) || names.len() < MAX_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    pub fn operation(&self, operation: Option<&str>, outcome: &str, took: Duration) {
        let operation = self.name(operation);
        self.latency
            .get_or_create(&Operation {
                operation: operation.clone(),
            })
            .observe(took.as_secs_f64());
        self.operations
            .get_or_create(&Outcome {
                operation,
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub fn refused(&self, why: Refusal) {
        self.refused
            .get_or_create(&Limit {
                limit: why.label().to_owned(),
            })
            .inc();
    }

    /// The Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("the metrics could not be encoded");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_beyond_the_table_count_as_other() {
        let names: Mutex<HashSet<String>> = Mutex::new(HashSet::new());
        let t = Telemetry {
            registry: Registry::default(),
            operations: Family::default(),
            latency: Family::new_with_constructor(|| Histogram::new([1.0])),
            refused: Family::default(),
            names,
        };
        for i in 0..MAX_NAMES {
            assert_eq!(t.name(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(t.name(Some("OneTooMany")), "other");
        assert_eq!(t.name(Some("Op3")), "Op3");
        assert_eq!(t.name(Some("not a name")), "other");
        assert_eq!(t.name(None), "anonymous");
    }
}
