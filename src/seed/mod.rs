//! Deterministic synthetic data: a borough with wards, PCNs, organisations,
//! services, funding and a year of referrals with their full event
//! histories. The same seed and the same `as_of` day give the same data.

mod names;
mod plan;
mod simulate;
mod writer;

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{EntityTrait, PaginatorTrait, TransactionTrait};

use crate::error::{AppError, AppResult};
use crate::store::entity::organisation;
use crate::store::Store;
use writer::Writer;

/// How big a place to make.
#[derive(Debug, Clone)]
pub struct Scale {
    pub wards: usize,
    pub pcns: usize,
    pub practices_per_pcn: usize,
    pub organisations: usize,
    pub services: usize,
    pub referrals_per_week: f64,
}

impl Scale {
    /// A small borough to explore in GraphiQL: 20 wards, 5 PCNs, 150
    /// organisations, 400 services, about 10,000 referrals a year.
    pub fn demo() -> Self {
        Self {
            wards: 20,
            pcns: 5,
            practices_per_pcn: 4,
            organisations: 150,
            services: 400,
            referrals_per_week: 200.0,
        }
    }

    /// One local authority at full size: about 25,000 referrals a year.
    pub fn borough() -> Self {
        Self {
            wards: 24,
            pcns: 7,
            practices_per_pcn: 5,
            organisations: 320,
            services: 900,
            referrals_per_week: 480.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub scale: Scale,
    pub seed: u64,
    /// The last day of the year of history; "today" for the data.
    pub as_of: NaiveDate,
    pub show_progress: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SeedSummary {
    pub organisations: usize,
    pub services: usize,
    pub referrals: usize,
    pub events: usize,
    pub rows: u64,
    pub seconds: f64,
}

impl SeedSummary {
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.seconds.max(1e-9)
    }
}

/// Whether the database holds no organisations yet.
pub async fn is_empty(store: &Store) -> AppResult<bool> {
    Ok(organisation::Entity::find().count(store.db()).await? == 0)
}

/// Fills an empty database, in one transaction: all of it or none.
pub async fn seed(store: &Store, options: &SeedOptions) -> AppResult<SeedSummary> {
    if !is_empty(store).await? {
        return Err(AppError::Conflict(
            "the database already holds data; seed only into an empty database".into(),
        ));
    }
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let start = options.as_of - Duration::days(364);
    let b = plan::plan(&mut rng, &options.scale, start, options.as_of);
    let r = simulate::simulate(&mut rng, &b, start, options.as_of);
    let mut summary = SeedSummary {
        organisations: b.organisations.len(),
        services: b.services.len(),
        referrals: r.referrals.len(),
        events: r.events.len(),
        ..Default::default()
    };
    let total = [
        b.areas.len(),
        b.pcns.len(),
        b.practices.len(),
        b.organisations.len(),
        b.locations.len(),
        b.gateways.len(),
        b.services.len(),
        b.service_needs.len(),
        b.service_capabilities.len(),
        b.capacity_versions.len(),
        b.statuses.len(),
        b.awards.len(),
        b.contributions.len(),
        b.skills.len(),
        b.unmet_needs.len(),
        r.referrals.len(),
        r.needs.len(),
        r.events.len(),
    ]
    .iter()
    .sum::<usize>() as u64;

    let txn = store.db().begin().await?;
    let w = Writer::new(&txn, total, options.show_progress);
    w.insert("areas", b.areas).await?;
    w.insert("PCNs", b.pcns).await?;
    w.insert("GP practices", b.practices).await?;
    w.insert("organisations", b.organisations).await?;
    w.insert("locations", b.locations).await?;
    w.insert("gateways", b.gateways).await?;
    w.insert("services", b.services).await?;
    w.insert("service needs", b.service_needs).await?;
    w.insert("capabilities", b.service_capabilities).await?;
    w.insert("capacity versions", b.capacity_versions).await?;
    w.insert("status reports", b.statuses).await?;
    w.insert("funding awards", b.awards).await?;
    w.insert("contributions", b.contributions).await?;
    w.insert("skills", b.skills).await?;
    w.insert("unmet needs", b.unmet_needs).await?;
    w.insert("referrals", r.referrals).await?;
    w.insert("referral needs", r.needs).await?;
    w.insert("referral events", r.events).await?;
    w.reset_sequences(&[
        "area",
        "pcn",
        "gp_practice",
        "organisation",
        "location",
        "gateway",
        "service",
        "capacity_version",
        "service_status",
        "funding_award",
        "contribution",
        "skill",
        "unmet_need",
        "referral",
        "referral_event",
    ])
    .await?;
    w.finish();
    txn.commit().await?;
    summary.rows = total;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
