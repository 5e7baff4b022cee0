//! Deterministic synthetic data: a borough with wards, PCNs, organisations,
//! services, funding and a year of referrals with their full event
//! histories. The same seed and the same `as_of` day give the same data.

mod names;
mod plan;
mod simulate;

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{AppError, AppResult};
use crate::store::entity::area;
use crate::store::seed_writer::{self, Writer};
use crate::store::Store;
use plan::{Ids, Place};

/// How big a place to make: how many ICBs and local authorities, and the
/// size of each authority.
#[derive(Debug, Clone)]
pub struct Scale {
    pub icbs: usize,
    pub authorities: usize,
    pub wards: usize,
    pub pcns: usize,
    pub practices_per_pcn: usize,
    pub organisations: usize,
    pub services: usize,
    pub referrals_per_week: f64,
}

impl Scale {
    /// A small borough to explore in the API explorer: 20 wards, 5 PCNs, 150
    /// organisations, 400 services, about 10,000 referrals a year.
    pub fn demo() -> Self {
        Self {
            icbs: 1,
            authorities: 1,
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
            icbs: 1,
            authorities: 1,
            wards: 24,
            pcns: 7,
            practices_per_pcn: 5,
            organisations: 320,
            services: 900,
            referrals_per_week: 480.0,
        }
    }

    /// England-shaped: 42 ICBs, 300 local authorities, about 6,900 wards,
    /// 1,200 PCNs, 30,000 organisations, 60,000 services and 1.3 million
    /// referrals a year (ONS and NHS England publish 42 ICBs and about 300
    /// local authorities and 7,000 wards in England).
    pub fn national() -> Self {
        Self {
            icbs: 42,
            authorities: 300,
            wards: 23,
            pcns: 4,
            practices_per_pcn: 5,
            organisations: 100,
            services: 200,
            referrals_per_week: 84.0,
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
    seed_writer::is_empty(store).await
}

/// Fills an empty database, in one transaction: all of it or none. Each
/// local authority is planned, simulated and written in turn, so memory
/// stays that of one authority whatever the scale.
pub async fn seed(store: &Store, options: &SeedOptions) -> AppResult<SeedSummary> {
    if !is_empty(store).await? {
        return Err(AppError::Conflict(
            "the database already holds data; seed only into an empty database".into(),
        ));
    }
    let started = Instant::now();
    let scale = &options.scale;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let start = options.as_of - Duration::days(364);
    let mut ids = Ids::default();
    let mut summary = SeedSummary::default();

    let mut w = Writer::begin(store, scale.authorities as u64, options.show_progress).await?;
    let (frame, places) = frame(scale, &mut ids);
    w.insert(frame).await?;
    for place in &places {
        let b = plan::plan(&mut rng, scale, place, &mut ids, start, options.as_of);
        let r = simulate::simulate(&mut rng, &b, &mut ids, start, options.as_of);
        summary.organisations += b.organisations.len();
        summary.services += b.services.len();
        summary.referrals += r.referrals.len();
        summary.events += r.events.len();
        w.insert(b.areas).await?;
        w.insert(b.pcns).await?;
        w.insert(b.practices).await?;
        w.insert(b.organisations).await?;
        w.insert(b.locations).await?;
        w.insert(b.gateways).await?;
        w.insert(b.services).await?;
        w.insert(b.service_needs).await?;
        w.insert(b.service_capabilities).await?;
        w.insert_numbered(b.capacity_versions).await?;
        w.insert_numbered(b.statuses).await?;
        w.insert_numbered(b.awards).await?;
        w.insert_numbered(b.contributions).await?;
        w.insert_numbered(b.skills).await?;
        w.insert_numbered(b.unmet_needs).await?;
        w.insert(r.referrals).await?;
        w.insert(r.needs).await?;
        w.insert(r.events).await?;
        w.insert_numbered(r.flows).await?;
        w.place_done(&place.name);
    }
    w.reset_sequences(&[
        "area",
        "pcn",
        "gp_practice",
        "organisation",
        "location",
        "gateway",
        "service",
        "referral",
        "referral_event",
    ])
    .await?;
    summary.rows = w.commit().await?;
    // Fresh statistics, so that the first dashboard is planned for the
    // data now there rather than for empty tables.
    store.analyze().await?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// The ICBs and local authorities, and where each authority sits. An
/// authority's ICB is the one whose share of authorities it falls in.
fn frame(scale: &Scale, ids: &mut Ids) -> (Vec<area::Model>, Vec<Place>) {
    let mut rows = Vec::new();
    let mut icbs = Vec::new();
    for i in 0..scale.icbs {
        let id = plan::next(&mut ids.area);
        icbs.push(id);
        rows.push(area::Model {
            id,
            code: format!("E54{:06}", 900_001 + i),
            name: names::icb_name(i),
            kind: "icb".into(),
            parent_id: None,
            latitude: None,
            longitude: None,
        });
    }
    let mut places = Vec::new();
    for j in 0..scale.authorities {
        let id = plan::next(&mut ids.area);
        let icb_id = icbs[j * scale.icbs / scale.authorities];
        // The demo borough sits in the Thames estuary; the rest spread over
        // a grid roughly the size of England.
        let centre = if j == 0 {
            (51.52, -0.03)
        } else {
            (50.6 + (j / 20) as f64 * 0.27, -4.5 + (j % 20) as f64 * 0.3)
        };
        let name = names::authority_name(j);
        rows.push(area::Model {
            id,
            code: format!("E06{:06}", 900_001 + j),
            name: name.clone(),
            kind: "local_authority".into(),
            parent_id: Some(icb_id),
            latitude: Some(centre.0),
            longitude: Some(centre.1),
        });
        places.push(Place {
            icb_id,
            la_id: id,
            name,
            centre,
            prefix_ward_names: scale.authorities > 1,
        });
    }
    (rows, places)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::bounds::{self, Money, Text, MAX_HEADCOUNT};
    use crate::domain::capacity::Capacity;
    use crate::domain::identifiers::{CharityNumber, CompanyNumber, OrgId};
    use crate::domain::period::Period;
    use crate::domain::text;

    fn v<T: Clone>(a: &T) -> T {
        a.clone()
    }

    /// Every value the seed writes would pass the bounds a caller's value
    /// must: the seed makes data the API itself could have taken.
    #[test]
    fn the_seeded_borough_lies_within_the_input_bounds() {
        for scale in [Scale::demo(), Scale::borough()] {
            let mut rng = ChaCha8Rng::seed_from_u64(7);
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a day");
            let start = as_of - Duration::days(364);
            let mut ids = Ids::default();
            let (_, places) = frame(&scale, &mut ids);
            let b = plan::plan(&mut rng, &scale, &places[0], &mut ids, start, as_of);
            assert!(
                !b.organisations.is_empty()
                    && !b.awards.is_empty()
                    && !b.contributions.is_empty()
                    && !b.unmet_needs.is_empty()
            );
            let identifier = |parsed: Result<String, crate::domain::Invalid>, stored: &str| {
                assert_eq!(parsed.expect("a valid identifier"), stored);
            };

            for o in &b.organisations {
                text::required("name", &v(&o.name), Text::Name).expect("a valid name");
                if let Some(c) = v(&o.charity_number) {
                    identifier(CharityNumber::parse("c", &c).map(|p| p.as_str().into()), &c);
                }
                if let Some(c) = v(&o.company_number) {
                    identifier(CompanyNumber::parse("c", &c).map(|p| p.as_str().into()), &c);
                }
                if let Some(i) = v(&o.org_identifier) {
                    identifier(OrgId::parse("o", &i).map(|p| p.as_str().into()), &i);
                }
            }
            for l in &b.locations {
                text::required("name", &v(&l.name), Text::Name).expect("a venue name");
                text::optional("postcode", v(&l.postcode).as_deref(), Text::Postcode)
                    .expect("a postcode");
            }
            for s in &b.services {
                text::required("name", &v(&s.name), Text::Name).expect("a service name");
                text::optional("d", Some(&v(&s.description)), Text::Description)
                    .expect("a description");
                if let Some(cost) = v(&s.unit_cost_pence) {
                    bounds::money("unitCost", Money::UnitCost, cost).expect("a unit cost");
                }
            }
            for c in &b.capacity_versions {
                bounds::day("validFrom", v(&c.valid_from)).expect("a capacity day");
                Capacity::parse(v(&c.places_per_week), v(&c.caseload_max)).expect("a capacity");
                text::optional("note", v(&c.note).as_deref(), Text::Note).expect("a note");
            }
            for a in &b.awards {
                bounds::money("amount", Money::Award, v(&a.amount_pence)).expect("an award");
                if let Some(t) = v(&a.tariff_pence) {
                    bounds::money("tariff", Money::Tariff, t).expect("a tariff");
                }
                bounds::day("awardDate", v(&a.award_date)).expect("an award date");
                if let (Some(s), Some(e)) = (v(&a.planned_start), v(&a.planned_end)) {
                    Period::parse(("plannedStart", s), ("plannedEnd", e)).expect("a period");
                }
                if let Some(i) = v(&a.funder_identifier) {
                    identifier(OrgId::parse("o", &i).map(|p| p.as_str().into()), &i);
                }
            }
            for c in &b.contributions {
                Period::parse(
                    ("periodStart", v(&c.period_start)),
                    ("periodEnd", v(&c.period_end)),
                )
                .expect("a contribution period");
                bounds::hours("hours", f64::from(v(&c.minutes)) / 60.0).expect("hours");
            }
            for s in &b.skills {
                bounds::count("volunteers", v(&s.volunteers), MAX_HEADCOUNT).expect("volunteers");
                bounds::count("paidStaff", v(&s.paid_staff), MAX_HEADCOUNT).expect("paid staff");
            }
            for u in &b.unmet_needs {
                text::required("evidence", &v(&u.evidence), Text::Evidence).expect("evidence");
                text::optional("action", v(&u.action).as_deref(), Text::Action).expect("action");
                text::optional("owner", v(&u.owner).as_deref(), Text::Owner).expect("owner");
                if let Some(d) = v(&u.review_date) {
                    bounds::day("reviewDate", d).expect("a review date");
                }
            }
        }
    }
}
