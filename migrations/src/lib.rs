//! Append-only schema migrations for Headroom. The same files run on SQLite
//! and PostgreSQL; see `../README.md` for the rules.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_create_areas;
mod m20261123_000002_create_organisations;
mod m20261123_000003_create_gateways;
mod m20261123_000004_create_api_keys;
mod m20261123_000005_create_services;
mod m20261123_000006_create_referrals;
mod m20261123_000007_create_funding;
mod m20261123_000008_create_unmet_needs;
mod m20261123_000009_create_referral_flows;
mod m20261123_000010_add_referral_flow_episodes;
mod m20261123_000011_create_referral_writes;
mod m20261130_000012_widen_no_fit_reasons;
mod m20261130_000013_create_scenarios;
mod m20261130_000014_index_event_days;
mod m20261130_000015_create_analytics_audit;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_areas::Migration),
            Box::new(m20261123_000002_create_organisations::Migration),
            Box::new(m20261123_000003_create_gateways::Migration),
            Box::new(m20261123_000004_create_api_keys::Migration),
            Box::new(m20261123_000005_create_services::Migration),
            Box::new(m20261123_000006_create_referrals::Migration),
            Box::new(m20261123_000007_create_funding::Migration),
            Box::new(m20261123_000008_create_unmet_needs::Migration),
            Box::new(m20261123_000009_create_referral_flows::Migration),
            Box::new(m20261123_000010_add_referral_flow_episodes::Migration),
            Box::new(m20261123_000011_create_referral_writes::Migration),
            Box::new(m20261130_000012_widen_no_fit_reasons::Migration),
            Box::new(m20261130_000013_create_scenarios::Migration),
            Box::new(m20261130_000014_index_event_days::Migration),
            Box::new(m20261130_000015_create_analytics_audit::Migration),
        ]
    }
}
