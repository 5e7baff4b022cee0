//! The borough itself: areas, PCNs and practices, gateways, organisations,
//! locations, services with capacity and status histories, funding,
//! contributions, skills and the unmet-needs register.

use crate::store::NUMBERED_BY_THE_DATABASE;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::{self, COMMUNITIES};
use super::Scale;
use crate::store::entity::*;

pub fn at(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, minute, 0)
        .expect("a valid time of day")
        .and_utc()
}

/// What the referral simulation needs to know of a service.
pub struct ServiceSim {
    pub id: i64,
    pub organisation_id: i64,
    pub ward_index: usize,
    pub needs: Vec<&'static str>,
    pub languages: Vec<&'static str>,
    pub caseload: bool,
    /// (valid_from, places per week or caseload maximum), oldest first.
    pub capacity: Vec<(NaiveDate, i32)>,
    /// Days on which the service took nobody (paused or closed).
    pub closed: Vec<(NaiveDate, NaiveDate)>,
    pub popularity: f64,
    pub episode_weeks: (i64, i64),
}

impl ServiceSim {
    pub fn capacity_on(&self, day: NaiveDate) -> i32 {
        if self
            .closed
            .iter()
            .any(|(from, to)| day >= *from && day < *to)
        {
            return 0;
        }
        self.capacity
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map(|(_, c)| *c)
            .unwrap_or(0)
    }
}

pub struct GatewaySim {
    pub id: i64,
    pub code: &'static str,
    pub per_week: f64,
    /// Indexes of the wards its referrals live in.
    pub wards: Vec<usize>,
}

pub struct WardInfo {
    pub id: i64,
    pub name: String,
}

#[derive(Default)]
pub struct Borough {
    pub areas: Vec<area::Model>,
    pub pcns: Vec<pcn::Model>,
    pub practices: Vec<gp_practice::Model>,
    pub organisations: Vec<organisation::Model>,
    pub locations: Vec<location::Model>,
    pub gateways: Vec<gateway::Model>,
    pub services: Vec<service::Model>,
    pub service_needs: Vec<service_need::Model>,
    pub service_capabilities: Vec<service_capability::Model>,
    pub capacity_versions: Vec<capacity_version::Model>,
    pub statuses: Vec<service_status::Model>,
    pub awards: Vec<funding_award::Model>,
    pub contributions: Vec<contribution::Model>,
    pub skills: Vec<skill::Model>,
    pub unmet_needs: Vec<unmet_need::Model>,
    pub wards: Vec<WardInfo>,
    pub pcn_ids: Vec<i64>,
    pub service_sims: Vec<ServiceSim>,
    pub gateway_sims: Vec<GatewaySim>,
}

/// Where a borough sits: its local authority (already created), that
/// authority's ICB, its name and its centre.
pub struct Place {
    pub icb_id: i64,
    pub la_id: i64,
    pub name: String,
    pub centre: (f64, f64),
    /// Prefix ward names with the place's (where many places share stems).
    pub prefix_ward_names: bool,
}

/// The last id used in each table whose ids other rows refer to (or whose
/// order matters): places take ids in turn, so a whole country is written
/// without asking the database for any. Other tables let the database
/// number their rows.
#[derive(Debug, Default)]
pub struct Ids {
    pub area: i64,
    pub pcn: i64,
    pub practice: i64,
    pub organisation: i64,
    pub location: i64,
    pub gateway: i64,
    pub service: i64,
    pub award: i64,
    pub referral: i64,
    pub event: i64,
}

pub fn next(counter: &mut i64) -> i64 {
    *counter += 1;
    *counter
}

pub fn plan(
    rng: &mut ChaCha8Rng,
    scale: &Scale,
    place: &Place,
    ids: &mut Ids,
    start: NaiveDate,
    as_of: NaiveDate,
) -> Borough {
    let mut b = Borough::default();
    let created = at(start, 9, 0);
    geography(rng, scale, place, ids, &mut b);
    gateways(scale, place, ids, &mut b, created);
    organisations(rng, scale, ids, &mut b, start, as_of);
    funding(rng, ids, &mut b, start, as_of);
    unmet_needs(&mut b, as_of);
    b
}

fn geography(rng: &mut ChaCha8Rng, scale: &Scale, place: &Place, ids: &mut Ids, b: &mut Borough) {
    for i in 0..scale.wards {
        let id = next(&mut ids.area);
        let stem = names::WARD_STEMS[i % names::WARD_STEMS.len()];
        let name = if place.prefix_ward_names || i >= names::WARD_STEMS.len() {
            format!("{} {stem}", place.name)
        } else {
            stem.to_owned()
        };
        // Wards sit on a rough grid about a kilometre apart.
        let (row, col) = ((i / 5) as f64, (i % 5) as f64);
        let lat = place.centre.0 + (row - 2.0) * 0.009 + rng.random_range(-0.002..0.002);
        let lon = place.centre.1 + (col - 2.0) * 0.014 + rng.random_range(-0.003..0.003);
        b.areas.push(area::Model {
            id,
            code: format!("E05{:06}", 900_000 + id),
            name: name.clone(),
            kind: "ward".into(),
            parent_id: Some(place.la_id),
            latitude: Some(lat),
            longitude: Some(lon),
        });
        b.wards.push(WardInfo { id, name });
    }
    for p in 0..scale.pcns {
        let pcn_id = next(&mut ids.pcn);
        b.pcn_ids.push(pcn_id);
        b.pcns.push(pcn::Model {
            id: pcn_id,
            code: format!("U{:05}", 90_000 + pcn_id),
            name: pcn_name(&place.name, p),
            icb_id: place.icb_id,
        });
        let wards = pcn_wards(scale, p);
        for k in 0..scale.practices_per_pcn {
            let practice = next(&mut ids.practice);
            let ward = wards[k % wards.len()];
            b.practices.push(gp_practice::Model {
                id: practice,
                code: format!("Z{:05}", 10_000 + practice),
                name: format!("{} Medical Practice", b.wards[ward].name),
                pcn_id,
                ward_id: b.wards[ward].id,
            });
        }
    }
}

/// The wards a PCN's practices serve: a contiguous slice of the borough.
fn pcn_wards(scale: &Scale, pcn: usize) -> Vec<usize> {
    (pcn * scale.wards / scale.pcns..(pcn + 1) * scale.wards / scale.pcns).collect()
}

fn gateways(scale: &Scale, place: &Place, ids: &mut Ids, b: &mut Borough, created: DateTime<Utc>) {
    let all_wards: Vec<usize> = (0..scale.wards).collect();
    let la_id = place.la_id;
    let mut add = |b: &mut Borough,
                   kind: &str,
                   code: &'static str,
                   name: String,
                   pcn: Option<i64>,
                   per_week: f64,
                   wards: Vec<usize>| {
        let id = next(&mut ids.gateway);
        b.gateways.push(gateway::Model {
            id,
            kind: kind.into(),
            name,
            pcn_id: pcn,
            area_id: if pcn.is_none() { Some(la_id) } else { None },
            host_organisation_id: None,
            created_at: created,
        });
        b.gateway_sims.push(GatewaySim {
            id,
            code,
            per_week,
            wards,
        });
    };
    for p in 0..scale.pcns {
        let name = format!(
            "Social prescribing link workers, {}",
            pcn_name(&place.name, p)
        );
        let pcn = Some(b.pcn_ids[p]);
        add(
            b,
            "social_prescribing",
            "SP",
            name,
            pcn,
            scale.referrals_per_week * 0.6 / scale.pcns as f64,
            pcn_wards(scale, p),
        );
    }
    add(
        b,
        "local_area_coordination",
        "LAC",
        format!("{} Local Area Co-ordination", place.name),
        None,
        scale.referrals_per_week * 0.12,
        all_wards.clone(),
    );
    add(
        b,
        "community_health_champions",
        "CHC",
        format!("{} Community Health Champions", place.name),
        None,
        scale.referrals_per_week * 0.1,
        all_wards.clone(),
    );
    add(
        b,
        "health_trainers",
        "HT",
        format!("{} Health Trainers", place.name),
        None,
        scale.referrals_per_week * 0.08,
        all_wards.clone(),
    );
    add(
        b,
        "self_referral",
        "SELF",
        format!("Self-referral, {}", place.name),
        None,
        scale.referrals_per_week * 0.1,
        all_wards,
    );
}

fn pcn_name(place: &str, p: usize) -> String {
    format!(
        "{place} {} PCN",
        [
            "North",
            "South",
            "East",
            "West",
            "Central",
            "Riverside",
            "Canal",
            "Park"
        ][p % 8]
    )
}

fn organisations(
    rng: &mut ChaCha8Rng,
    scale: &Scale,
    ids: &mut Ids,
    b: &mut Borough,
    start: NaiveDate,
    as_of: NaiveDate,
) {
    let created = at(start, 9, 0);
    // Every organisation runs at least one service; the rest go to a random
    // few, so some run many.
    let mut counts = vec![1_usize; scale.organisations];
    for _ in scale.organisations..scale.services {
        counts[rng.random_range(0..scale.organisations)] += 1;
    }
    let mut used_names = std::collections::HashSet::new();
    for services in counts {
        let org_id = next(&mut ids.organisation);
        let ward = rng.random_range(0..scale.wards);
        let community = if rng.random_bool(0.35) {
            COMMUNITIES.choose(rng)
        } else {
            None
        };
        let faith = if community.is_none() && rng.random_bool(0.08) {
            names::FAITH_ORGS.choose(rng)
        } else {
            None
        };
        let (name, kind) = match (community, faith) {
            (Some(c), _) => (
                format!(
                    "{} {}",
                    c.stem,
                    names::COMMUNITY_ORG_NOUNS
                        .choose(rng)
                        .unwrap_or(&"Association")
                ),
                "community_group",
            ),
            (None, Some((n, _))) => (format!("{} ({})", n, b.wards[ward].name), "faith_group"),
            (None, None) => {
                let (suffix, kind) = names::ORG_SUFFIXES
                    .choose(rng)
                    .copied()
                    .unwrap_or(("Community Association", "charity"));
                (format!("{} {}", b.wards[ward].name, suffix), kind)
            }
        };
        let name = unique_name(&mut used_names, name, &b.wards[ward].name);
        let charity = matches!(kind, "charity" | "cio").then(|| format!("{}", 1_190_000 + org_id));
        let company = matches!(kind, "cic" | "social_enterprise")
            .then(|| format!("{:08}", 12_900_000 + org_id));
        let identifier = match (&charity, &company) {
            (Some(c), _) => Some(format!("GB-CHC-{c}")),
            (_, Some(c)) => Some(format!("GB-COH-{c}")),
            _ => None,
        };
        b.organisations.push(organisation::Model {
            id: org_id,
            name: name.clone(),
            kind: kind.into(),
            org_identifier: identifier,
            charity_number: charity,
            company_number: company,
            community_anchor: rng.random_bool(0.1),
            ward_id: Some(b.wards[ward].id),
            created_at: created,
        });
        let location_id = next(&mut ids.location);
        let venue_kind = if faith.is_some() {
            "place_of_worship"
        } else {
            [
                "community_centre",
                "community_centre",
                "library",
                "school",
                "health_centre",
            ]
            .choose(rng)
            .copied()
            .unwrap_or("community_centre")
        };
        b.locations.push(location::Model {
            id: location_id,
            organisation_id: Some(org_id),
            name: format!("{} base", name),
            kind: venue_kind.into(),
            ward_id: b.wards[ward].id,
            postcode: None,
            latitude: None,
            longitude: None,
            created_at: created,
        });
        for _ in 0..services {
            let service_id = next(&mut ids.service);
            service(
                rng,
                b,
                service_id,
                org_id,
                location_id,
                ward,
                community,
                faith.map(|f| f.1),
                start,
                as_of,
            );
        }
        skills(rng, b, org_id, as_of);
        if community.is_some() || faith.is_some() {
            contributions(rng, b, org_id, start, as_of);
        }
    }
}

/// Services for older people take them from an age; the rest take adults
/// of any age.
fn min_age(template: &str) -> Option<i32> {
    match template {
        "Falls Prevention Class" => Some(65),
        "Chair-based Exercise" => Some(55),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn service(
    rng: &mut ChaCha8Rng,
    b: &mut Borough,
    id: i64,
    org_id: i64,
    location_id: i64,
    ward: usize,
    community: Option<&names::Community>,
    faith: Option<&str>,
    start: NaiveDate,
    as_of: NaiveDate,
) {
    let template = names::SERVICES.choose(rng).expect("service templates");
    let created = at(start, 9, 0);
    let unit_cost =
        rng.random_range(template.unit_cost_pounds.0..=template.unit_cost_pounds.1) * 100;
    let name = match community {
        Some(c) => format!("{} {}", c.stem, template.name),
        None => format!("{} {}", b.wards[ward].name, template.name),
    };
    b.services.push(service::Model {
        id,
        organisation_id: org_id,
        location_id: Some(location_id),
        name,
        description: format!(
            "{} for people living in and around {}.",
            template.name, b.wards[ward].name
        ),
        unit_cost_pence: Some(unit_cost),
        min_age: min_age(template.name),
        max_age: None,
        created_at: created,
        updated_at: created,
    });
    for need in template.needs {
        b.service_needs.push(service_need::Model {
            service_id: id,
            need_code: (*need).into(),
        });
    }
    let mut caps: Vec<(&str, &str)> = template.capabilities.to_vec();
    let mut languages = Vec::new();
    if let Some(c) = community {
        for lang in c.languages {
            caps.push(("language", lang));
            languages.push(*lang);
        }
        caps.push(("culture", c.culture));
        if let Some(f) = c.faith {
            caps.push(("faith", f));
        }
        if let Some(d) = c.dietary {
            caps.push(("dietary", d));
        }
        if rng.random_bool(0.3) && !caps.iter().any(|(k, _)| *k == "gender") {
            caps.push(("gender", "women_only"));
        }
    }
    if let Some(f) = faith {
        caps.push(("faith", f));
    }
    if rng.random_bool(0.4) {
        caps.push(("accessibility", "wheelchair_access"));
    }
    if rng.random_bool(0.15) {
        caps.push(("accessibility", "hearing_loop"));
    }
    caps.sort();
    caps.dedup();
    for (kind, code) in &caps {
        b.service_capabilities.push(service_capability::Model {
            service_id: id,
            kind: (*kind).into(),
            code: (*code).into(),
        });
    }

    // Capacity: a first version at the start; a fifth change it mid-year.
    let first = rng.random_range(template.capacity.0..=template.capacity.1);
    let mut capacity = vec![(start, first)];
    if rng.random_bool(0.2) {
        let day = start + Duration::days(rng.random_range(60..300));
        let changed = ((first as f64) * rng.random_range(0.5..1.5))
            .round()
            .max(1.0) as i32;
        capacity.push((day, changed));
    }
    for (n, (from, value)) in capacity.iter().enumerate() {
        b.capacity_versions.push(capacity_version::Model {
            id: NUMBERED_BY_THE_DATABASE,
            service_id: id,
            valid_from: *from,
            places_per_week: (!template.caseload).then_some(*value),
            caseload_max: template.caseload.then_some(*value),
            note: (n > 0).then(|| "Revised after a change in volunteers".to_owned()),
            recorded_by: None,
            recorded_at: at(*from, 10, 0),
        });
    }

    // Status: open from the start; some pause for a while, a few close.
    let mut closed = Vec::new();
    let push_status = |b: &mut Borough,
                       status: &str,
                       from: NaiveDate,
                       confirmed: DateTime<Utc>,
                       note: Option<&str>| {
        b.statuses.push(service_status::Model {
            id: NUMBERED_BY_THE_DATABASE,
            service_id: id,
            status: status.into(),
            valid_from: from,
            confirmed_at: confirmed,
            note: note.map(str::to_owned),
            recorded_by: None,
        });
    };
    push_status(b, "open", start, at(start, 9, 30), None);
    let roll: f64 = rng.random();
    if roll < 0.06 {
        let from = start + Duration::days(rng.random_range(90..250));
        let to = from + Duration::weeks(rng.random_range(3..9));
        push_status(
            b,
            "paused",
            from,
            at(from, 11, 0),
            Some("Paused while the venue is refurbished"),
        );
        push_status(b, "open", to, at(to, 11, 0), Some("Reopened"));
        closed.push((from, to));
    } else if roll < 0.08 {
        let from = as_of - Duration::days(rng.random_range(10..60));
        push_status(b, "closed", from, at(from, 12, 0), Some("Funding ended"));
        closed.push((from, as_of + Duration::days(1)));
    }
    // The latest confirmation: most within the month, some left stale.
    if closed.last().is_none_or(|(_, to)| *to <= as_of) {
        let days_ago = if rng.random_bool(0.72) {
            rng.random_range(0..28)
        } else {
            rng.random_range(31..150)
        };
        let day = as_of - Duration::days(days_ago);
        let status = if rng.random_bool(0.1) {
            "limited"
        } else {
            "open"
        };
        push_status(b, status, day.max(start), at(day.max(start), 16, 0), None);
    }

    let popularity = (rng.random_range(-2.0_f64..2.6)).exp();
    let episode_weeks = if template.caseload { (6, 20) } else { (4, 12) };
    b.service_sims.push(ServiceSim {
        id,
        organisation_id: org_id,
        ward_index: ward,
        needs: template.needs.to_vec(),
        languages,
        caseload: template.caseload,
        capacity,
        closed,
        popularity,
        episode_weeks,
    });
}

fn skills(rng: &mut ChaCha8Rng, b: &mut Borough, org_id: i64, as_of: NaiveDate) {
    let all = crate::domain::codes::SkillCode::ALL;
    let n = rng.random_range(1..=4);
    for skill in all.choose_multiple(rng, n) {
        b.skills.push(skill::Model {
            id: NUMBERED_BY_THE_DATABASE,
            organisation_id: org_id,
            skill: skill.as_str().into(),
            volunteers: rng.random_range(0..25),
            paid_staff: rng.random_range(0..4),
            updated_at: at(as_of - Duration::days(rng.random_range(0..120)), 14, 0),
        });
    }
}

fn contributions(
    rng: &mut ChaCha8Rng,
    b: &mut Borough,
    org_id: i64,
    start: NaiveDate,
    as_of: NaiveDate,
) {
    let kinds = [
        "interpreting",
        "accompanying",
        "advocacy",
        "initiating_referrals",
    ];
    let mut month_start = start;
    while month_start < as_of {
        let month_end = (month_start + Duration::days(29)).min(as_of - Duration::days(1));
        let n = rng.random_range(1..=3);
        for kind in kinds.choose_multiple(rng, n) {
            let hours = rng.random_range(2.0..45.0_f64);
            b.contributions.push(contribution::Model {
                id: NUMBERED_BY_THE_DATABASE,
                organisation_id: org_id,
                service_id: None,
                kind: (*kind).into(),
                minutes: (hours * 60.0).round() as i32,
                period_start: month_start,
                period_end: month_end,
                note: None,
                recorded_by: None,
                recorded_at: at(month_end, 17, 0),
            });
        }
        month_start += Duration::days(30);
    }
}

fn funding(
    rng: &mut ChaCha8Rng,
    ids: &mut Ids,
    b: &mut Borough,
    start: NaiveDate,
    as_of: NaiveDate,
) {
    let orgs = b.organisations.len();
    for o in 0..orgs {
        let org_id = b.organisations[o].id;
        let services: Vec<i64> = b
            .service_sims
            .iter()
            .filter(|s| s.organisation_id == org_id)
            .map(|s| s.id)
            .collect();
        for _ in 0..rng.random_range(0..=3) {
            let n = next(&mut ids.award);
            let (funder, funder_id) = names::FUNDERS.choose(rng).copied().expect("funders");
            let kind = *[
                "grant",
                "grant",
                "grant",
                "contract",
                "per_referral_tariff",
                "in_kind",
            ]
            .choose(rng)
            .expect("kinds");
            let award_date = start - Duration::days(rng.random_range(0..200));
            let (amount, tariff) = match kind {
                "contract" => (rng.random_range(20_000..150_000) * 100, None),
                "per_referral_tariff" => (
                    rng.random_range(10_000..40_000) * 100,
                    Some(rng.random_range(50..150) * 100),
                ),
                "in_kind" => (rng.random_range(1_000..10_000) * 100, None),
                _ => (rng.random_range(2_000..60_000) * 100, None),
            };
            let dated = rng.random_bool(0.85);
            let planned_start = award_date + Duration::days(rng.random_range(0..60));
            let planned_end =
                planned_start + Duration::days(*[364, 364, 729, 182].choose(rng).expect("lengths"));
            let service_id = if kind != "grant" || rng.random_bool(0.3) {
                services.choose(rng).copied()
            } else {
                None
            };
            b.awards.push(funding_award::Model {
                id: NUMBERED_BY_THE_DATABASE,
                identifier: format!("360G-HEADROOM-SYN-{n:07}"),
                title: format!(
                    "{} for {}",
                    match kind {
                        "contract" => "Service contract",
                        "per_referral_tariff" => "Social prescribing tariff",
                        "in_kind" => "Venue and support in kind",
                        _ => "Community grant",
                    },
                    b.organisations[o].name
                ),
                description: None,
                funder_name: funder.into(),
                funder_identifier: Some(funder_id.into()),
                recipient_organisation_id: org_id,
                service_id,
                kind: kind.into(),
                amount_pence: amount,
                tariff_pence: tariff,
                currency: "GBP".into(),
                award_date,
                planned_start: dated.then_some(planned_start),
                planned_end: dated.then_some(planned_end),
                created_at: at(award_date.min(as_of), 9, 0),
            });
        }
    }
}

/// Ward index, need, missing capability, evidence, likelihood, impact, action.
type RegisterEntry = (
    usize,
    &'static str,
    Option<(&'static str, &'static str)>,
    &'static str,
    i32,
    i32,
    &'static str,
);

fn unmet_needs(b: &mut Borough, as_of: NaiveDate) {
    let entries: [RegisterEntry; 7] = [
        (0, "dementia", Some(("language", "syl")), "Carers of people with dementia who speak Sylheti are declined or wait-listed; no Sylheti-speaking carers' group in the north of the borough.", 4, 4, "Commission a Sylheti-speaking dementia carers' group with a community anchor"),
        (3, "physical_activity", Some(("gender", "women_only")), "Somali women referred for physical activity decline mixed sessions; women-only sessions are full.", 4, 3, "Fund women-only sessions at two more venues"),
        (5, "mental_wellbeing", Some(("language", "pl")), "Polish-speaking residents wait over eight weeks for peer support.", 3, 3, "Recruit Polish-speaking volunteers through the skills map"),
        (8, "financial", None, "Debt advice is over capacity across the borough; declines for capacity doubled since spring.", 5, 4, "Extend the debt advice contract; add a per-referral tariff"),
        (11, "carer_support", Some(("language", "ur")), "No Urdu-speaking carers' support in the east of the borough.", 3, 4, "Explore a partnership with the Pakistani Welfare Association"),
        (2, "loneliness", Some(("accessibility", "transport_provided")), "Housebound older people cannot reach lunch clubs without transport.", 3, 3, "Map volunteer drivers and fund mileage"),
        (14, "bereavement", None, "Bereavement support groups have long waits after the winter.", 2, 3, "Review in spring"),
    ];
    for (i, (ward, need, cap, evidence, likelihood, impact, action)) in entries.iter().enumerate() {
        let ward = &b.wards[*ward % b.wards.len()];
        let created = at(as_of - Duration::days(40 + 10 * i as i64), 10, 0);
        b.unmet_needs.push(unmet_need::Model {
            id: NUMBERED_BY_THE_DATABASE,
            area_id: ward.id,
            need_code: (*need).into(),
            capability_kind: cap.map(|c| c.0.to_owned()),
            capability_code: cap.map(|c| c.1.to_owned()),
            evidence: (*evidence).into(),
            likelihood: *likelihood,
            impact: *impact,
            action: Some((*action).into()),
            owner: Some("VCS commissioning lead".into()),
            review_date: Some(as_of + Duration::days(30 + 7 * i as i64)),
            status: if i == 6 { "mitigating" } else { "open" }.into(),
            created_by: None,
            created_at: created,
            updated_at: created,
        });
    }
}

/// Real boroughs rarely have two organisations of one name: a repeat gets
/// its ward, then a number.
fn unique_name(used: &mut std::collections::HashSet<String>, name: String, ward: &str) -> String {
    if used.insert(name.clone()) {
        return name;
    }
    let with_ward = format!("{name}, {ward}");
    if used.insert(with_ward.clone()) {
        return with_ward;
    }
    let mut n = 2;
    loop {
        let numbered = format!("{with_ward} {n}");
        if used.insert(numbered.clone()) {
            return numbered;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pcn_serves_some_wards_and_every_ward_has_a_pcn() {
        for scale in [Scale::demo(), Scale::borough(), Scale::national()] {
            let mut covered: Vec<usize> =
                (0..scale.pcns).flat_map(|p| pcn_wards(&scale, p)).collect();
            assert!(
                (0..scale.pcns).all(|p| !pcn_wards(&scale, p).is_empty()),
                "{scale:?}"
            );
            covered.sort_unstable();
            assert_eq!(covered, (0..scale.wards).collect::<Vec<_>>(), "{scale:?}");
        }
    }
}
