//! Headroom: whole-system commissioning of voluntary and community sector
//! capacity, as a GraphQL service. See ARCHITECTURE.md for the map.

pub mod app;
pub mod bench;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod seed;
pub mod startup;
pub mod store;
pub mod telemetry;
