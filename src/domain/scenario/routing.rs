//! Where a stream of extra referrals goes: the share of it each service
//! receives. A stream is one ward's people with one need (and an age band,
//! a language and required capabilities); it may reach only services that
//! address the need, offer every required capability, take the age band
//! and offer capacity (not paused or closed) within the distance: the same
//! fit rules as a link worker's search (`matching`).
//!
//! Where the ward's own history for the need is deep enough, the shares
//! follow it: where its referrals went in the baseline. Where it is thin,
//! a Huff model: each service attracts in proportion to its capacity,
//! decaying with distance (capacity ÷ distance^decay). Either way the
//! shares sum to 1; a stream nothing can receive is unabsorbed, with the
//! reason, and never dropped.

use std::collections::HashMap;

use crate::domain::capability::Capability;
use crate::domain::matching::{addresses, first_missing, takes_age, Candidate, Wants};

/// A service a stream might reach, with its capacity (places, or
/// caseload ÷ episode length, per week).
#[derive(Debug, Clone)]
pub struct Destination {
    pub candidate: Candidate,
    pub capacity: f64,
    /// A service the scenario adds: it has no history, so where a stream
    /// follows history it takes the share of the capacity it adds.
    pub is_new: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoutingRules {
    /// Huff's distance decay exponent.
    pub decay: f64,
    /// Referrals from the ward for the need in the baseline below which
    /// its history is too thin to follow.
    pub min_history: f64,
}

/// Distances under this count as this, so a venue in the ward centroid
/// does not attract without bound.
const MIN_DISTANCE_KM: f64 = 0.5;

impl Default for RoutingRules {
    /// A decay of 2 is the gravity model's classic exponent (Huff 1963);
    /// 10 referrals is the smallest history trusted here.
    fn default() -> Self {
        Self {
            decay: 2.0,
            min_history: 10.0,
        }
    }
}

/// Why no service can receive a stream.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Unabsorbed {
    NoServiceNearby,
    /// Services nearby address the need but none offers this capability.
    LacksCapability(Capability),
    NotForTheirAge,
    /// Services fit, but every one is paused or closed.
    NoneOpen,
}

/// How a stream was shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    History,
    CapacityAndDistance,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Routed {
    /// Service ids with their shares, summing to 1, largest first.
    Shares(Basis, Vec<(i64, f64)>),
    Unabsorbed(Unabsorbed),
}

/// Shares `wants`' stream among `destinations` (already within reach:
/// the caller finds services near the ward). `history` holds the ward's
/// baseline referrals for the need by service.
pub fn route<'a>(
    wants: &Wants,
    destinations: impl IntoIterator<Item = &'a Destination>,
    history: &HashMap<i64, f64>,
    rules: &RoutingRules,
) -> Routed {
    // The search's own fit rules, without building a whole `Fit` for each
    // of the thousands of (stream, service) pairs a run weighs.
    let addressing: Vec<&Destination> = destinations
        .into_iter()
        .filter(|d| d.candidate.distance_km <= wants.max_distance_km)
        .filter(|d| addresses(wants, &d.candidate))
        .collect();
    if addressing.is_empty() {
        return Routed::Unabsorbed(Unabsorbed::NoServiceNearby);
    }
    let capable: Vec<&Destination> = addressing
        .iter()
        .copied()
        .filter(|d| first_missing(wants, &d.candidate).is_none())
        .collect();
    if capable.is_empty() {
        let lacking = addressing
            .iter()
            .find_map(|d| first_missing(wants, &d.candidate))
            .cloned();
        return match lacking {
            Some(c) => Routed::Unabsorbed(Unabsorbed::LacksCapability(c)),
            None => Routed::Unabsorbed(Unabsorbed::NoServiceNearby),
        };
    }
    let for_age: Vec<&Destination> = capable
        .into_iter()
        .filter(|d| takes_age(wants, &d.candidate))
        .collect();
    if for_age.is_empty() {
        return Routed::Unabsorbed(Unabsorbed::NotForTheirAge);
    }
    let open: Vec<&Destination> = for_age
        .into_iter()
        .filter(|d| d.candidate.status.is_none_or(|s| s.offers_capacity()))
        .collect();
    if open.is_empty() {
        return Routed::Unabsorbed(Unabsorbed::NoneOpen);
    }

    let seen: Vec<(i64, f64)> = open
        .iter()
        .filter(|d| !d.is_new)
        .map(|d| {
            let id = d.candidate.service_id;
            (id, history.get(&id).copied().unwrap_or(0.0).max(0.0))
        })
        .collect();
    if seen.iter().map(|(_, w)| w).sum::<f64>() >= rules.min_history {
        let capacity = |d: &&Destination| d.capacity.max(0.0);
        let all: f64 = open.iter().map(capacity).sum();
        let new: Vec<(i64, f64)> = open
            .iter()
            .filter(|d| d.is_new)
            .map(|d| {
                (
                    d.candidate.service_id,
                    if all > 0.0 { capacity(d) / all } else { 0.0 },
                )
            })
            .collect();
        let to_new: f64 = new.iter().map(|(_, s)| s).sum();
        let mut shares: Vec<(i64, f64)> = normalise(seen)
            .into_iter()
            .map(|(id, s)| (id, s * (1.0 - to_new)))
            .collect();
        shares.extend(new);
        return Routed::Shares(Basis::History, normalise(shares));
    }
    let huff = open
        .iter()
        .map(|d| {
            let distance = d.candidate.distance_km.max(MIN_DISTANCE_KM);
            (
                d.candidate.service_id,
                d.capacity.max(0.0) / distance.powf(rules.decay),
            )
        })
        .collect();
    Routed::Shares(Basis::CapacityAndDistance, normalise(huff))
}

/// Weights as shares summing to 1, largest first (then by id); equal
/// shares when every weight is 0.
fn normalise(mut weights: Vec<(i64, f64)>) -> Vec<(i64, f64)> {
    let total: f64 = weights.iter().map(|(_, w)| w).sum();
    let n = weights.len() as f64;
    for (_, w) in &mut weights {
        *w = if total > 0.0 { *w / total } else { 1.0 / n };
    }
    weights.retain(|(_, w)| *w > 0.0);
    weights.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    weights
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::age::AgeRange;
    use crate::domain::capability::CapabilityKind;
    use crate::domain::codes::{AgeBand, Need};
    use crate::domain::status::ServiceStatus;
    use proptest::prelude::*;

    fn sylheti() -> Capability {
        Capability::parse("c", CapabilityKind::Language, "syl").unwrap()
    }

    fn wants(required: Vec<Capability>) -> Wants {
        Wants {
            needs: vec![Need::Dementia],
            required,
            preferred: vec![],
            age_band: Some(AgeBand::From65To74),
            max_distance_km: 5.0,
            include_full: true,
            stale_after_days: 30,
        }
    }

    fn destination(id: i64, km: f64, capacity: f64, caps: Vec<Capability>) -> Destination {
        Destination {
            candidate: Candidate {
                service_id: id,
                distance_km: km,
                needs: vec![Need::Dementia],
                capabilities: caps,
                ages: AgeRange::default(),
                status: Some(ServiceStatus::Open),
                staleness: None,
                headroom: None,
                utilisation: None,
            },
            capacity,
            is_new: false,
        }
    }

    fn shares(r: &Routed) -> Vec<(i64, f64)> {
        match r {
            Routed::Shares(_, s) => s.clone(),
            Routed::Unabsorbed(why) => panic!("expected shares, got {why:?}"),
        }
    }

    #[test]
    fn thin_history_shares_by_capacity_decaying_with_distance() {
        // 10 places at 1 km attract 10; 40 places at 2 km attract 40 / 4 = 10.
        let d = [
            destination(1, 1.0, 10.0, vec![]),
            destination(2, 2.0, 40.0, vec![]),
        ];
        let r = route(
            &wants(vec![]),
            &d,
            &HashMap::new(),
            &RoutingRules::default(),
        );
        assert!(matches!(r, Routed::Shares(Basis::CapacityAndDistance, _)));
        assert_eq!(shares(&r), [(1, 0.5), (2, 0.5)]);
    }

    #[test]
    fn deep_history_is_followed() {
        let d = [
            destination(1, 1.0, 10.0, vec![]),
            destination(2, 2.0, 40.0, vec![]),
        ];
        let history = HashMap::from([(1, 30.0), (2, 10.0)]);
        let r = route(&wants(vec![]), &d, &history, &RoutingRules::default());
        assert!(matches!(r, Routed::Shares(Basis::History, _)));
        assert_eq!(shares(&r), [(1, 0.75), (2, 0.25)]);
    }

    #[test]
    fn a_stream_needing_sylheti_never_reaches_a_service_without_it() {
        let d = [
            destination(1, 0.5, 100.0, vec![]),
            destination(2, 4.0, 5.0, vec![sylheti()]),
        ];
        let r = route(
            &wants(vec![sylheti()]),
            &d,
            &HashMap::new(),
            &RoutingRules::default(),
        );
        assert_eq!(shares(&r), [(2, 1.0)]);
        let only_without = [destination(1, 0.5, 100.0, vec![])];
        assert_eq!(
            route(
                &wants(vec![sylheti()]),
                &only_without,
                &HashMap::new(),
                &RoutingRules::default()
            ),
            Routed::Unabsorbed(Unabsorbed::LacksCapability(sylheti()))
        );
    }

    #[test]
    fn a_stream_with_nowhere_to_go_says_why() {
        let rules = RoutingRules::default();
        let far = [destination(1, 9.0, 10.0, vec![])];
        assert_eq!(
            route(&wants(vec![]), &far, &HashMap::new(), &rules),
            Routed::Unabsorbed(Unabsorbed::NoServiceNearby)
        );
        let mut closed = destination(1, 1.0, 10.0, vec![]);
        closed.candidate.status = Some(ServiceStatus::Paused);
        assert_eq!(
            route(&wants(vec![]), &[closed], &HashMap::new(), &rules),
            Routed::Unabsorbed(Unabsorbed::NoneOpen)
        );
        let mut young = destination(1, 1.0, 10.0, vec![]);
        young.candidate.ages = AgeRange {
            min: None,
            max: Some(25),
        };
        assert_eq!(
            route(&wants(vec![]), &[young], &HashMap::new(), &rules),
            Routed::Unabsorbed(Unabsorbed::NotForTheirAge)
        );
    }

    proptest! {
        #[test]
        fn every_stream_is_shared_out_whole_or_reported_unabsorbed(
            services in prop::collection::vec((0.0..8.0_f64, 0.0..50.0_f64, any::<bool>(), 0.0..20.0_f64), 0..12),
            require_sylheti in any::<bool>(),
        ) {
            let d: Vec<Destination> = services
                .iter()
                .enumerate()
                .map(|(i, (km, cap, has, _))| {
                    destination(i as i64, *km, *cap, if *has { vec![sylheti()] } else { vec![] })
                })
                .collect();
            let history: HashMap<i64, f64> = services
                .iter()
                .enumerate()
                .map(|(i, (.., seen))| (i as i64, *seen))
                .collect();
            let required = if require_sylheti { vec![sylheti()] } else { vec![] };
            match route(&wants(required), &d, &history, &RoutingRules::default()) {
                Routed::Shares(_, s) => {
                    let total: f64 = s.iter().map(|(_, w)| w).sum();
                    prop_assert!((total - 1.0).abs() < 1e-9);
                    for (id, share) in s {
                        prop_assert!(share > 0.0);
                        let dest = &d[id as usize];
                        prop_assert!(dest.candidate.distance_km <= 5.0);
                        prop_assert!(!require_sylheti || dest.candidate.capabilities.contains(&sylheti()));
                    }
                }
                Routed::Unabsorbed(_) => {
                    let could = d.iter().any(|x| {
                        x.candidate.distance_km <= 5.0
                            && (!require_sylheti || x.candidate.capabilities.contains(&sylheti()))
                    });
                    prop_assert!(!could, "a stream some service could take was not routed");
                }
            }
        }
    }
}
