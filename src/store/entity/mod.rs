//! sea-orm entities: the tables as they are now. The migrations are their
//! history; GraphQL types are built from these by hand, never derived.

pub mod analytics_audit;
pub mod api_key;
pub mod area;
pub mod capacity_version;
pub mod contribution;
pub mod funding_award;
pub mod gateway;
pub mod gp_practice;
pub mod idempotency_key;
pub mod location;
pub mod need;
pub mod organisation;
pub mod pcn;
pub mod referral;
pub mod referral_event;
pub mod referral_flow;
pub mod referral_need;
pub mod scenario;
pub mod scenario_run;
pub mod scenario_run_need;
pub mod scenario_run_service;
pub mod scenario_run_unabsorbed;
pub mod service;
pub mod service_capability;
pub mod service_need;
pub mod service_status;
pub mod skill;
pub mod unmet_need;
pub mod unmet_need_report;
