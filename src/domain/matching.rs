//! Finding services that fit a person: which candidates meet every
//! required capability and take the person's age, which have room, how
//! they rank, and, when none fits, why.
//!
//! A candidate is a service near the person's ward that addresses at least
//! one of their needs (the database finds those by index); everything else
//! is decided here.

use super::age::AgeRange;
use super::capability::Capability;
use super::codes::{AgeBand, Need, NoFitReason};
use super::status::{ServiceStatus, Staleness};

/// A place on the globe, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

/// Mean Earth radius, km (IUGG mean radius R1 = 6371.0088 km; Moritz,
/// "Geodetic Reference System 1980", Journal of Geodesy 74, 2000).
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance by the haversine formula.
pub fn haversine_km(a: Point, b: Point) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let dphi = (b.lat - a.lat).to_radians();
    let dlambda = (b.lon - a.lon).to_radians();
    let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// A latitude/longitude box holding every point within `km` of `centre`
/// (for an indexed pre-filter; the distance itself is then exact). The
/// box is the spherical cap's own: its widest longitude is
/// asin(sin r ÷ cos φ) for an angular radius r, reached north or south of
/// the centre (Matuschek, "Finding Points Within a Distance of a
/// Latitude/Longitude Using Bounding Coordinates", 2010). A cap that holds
/// a pole, or a box that would cross the antimeridian, spans every
/// longitude.
pub fn bounding_box(centre: Point, km: f64) -> (Point, Point) {
    // A hair wider than the cap, so that rounding never leaves out a
    // point the distance itself would keep.
    let r = km.max(0.0) / EARTH_RADIUS_KM * (1.0 + 1e-9) + 1e-12;
    let phi = centre.lat.to_radians();
    let dlat = r.to_degrees();
    let dlon = if phi.abs() + r < std::f64::consts::FRAC_PI_2 {
        (r.sin() / phi.cos()).min(1.0).asin().to_degrees()
    } else {
        180.0
    };
    let (mut west, mut east) = (centre.lon - dlon, centre.lon + dlon);
    if west < -180.0 || east > 180.0 {
        (west, east) = (-180.0, 180.0);
    }
    (
        Point {
            lat: centre.lat - dlat,
            lon: west,
        },
        Point {
            lat: centre.lat + dlat,
            lon: east,
        },
    )
}

/// The places within `km` of a centre. A box test comes first: most
/// places a run or a search weighs are far away, and four comparisons
/// turn them away without the trigonometry.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    centre: Point,
    lo: Point,
    hi: Point,
    km: f64,
}

impl Reach {
    pub fn new(centre: Point, km: f64) -> Self {
        let (lo, hi) = bounding_box(centre, km);
        Self { centre, lo, hi, km }
    }

    /// The distance to `at`, when it is within reach.
    pub fn distance_km(&self, at: Point) -> Option<f64> {
        let boxed = at.lat >= self.lo.lat
            && at.lat <= self.hi.lat
            && at.lon >= self.lo.lon
            && at.lon <= self.hi.lon;
        if !boxed {
            return None;
        }
        let d = haversine_km(self.centre, at);
        (d <= self.km).then_some(d)
    }
}

/// What the link worker asks for.
#[derive(Debug, Clone)]
pub struct Wants {
    pub needs: Vec<Need>,
    pub required: Vec<Capability>,
    pub preferred: Vec<Capability>,
    pub age_band: Option<AgeBand>,
    pub max_distance_km: f64,
    /// Also list services without room (ranked after those with room).
    pub include_full: bool,
    pub stale_after_days: i64,
}

/// A service near the person that addresses at least one of their needs.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub service_id: i64,
    pub distance_km: f64,
    pub needs: Vec<Need>,
    pub capabilities: Vec<Capability>,
    pub ages: AgeRange,
    pub status: Option<ServiceStatus>,
    pub staleness: Option<Staleness>,
    /// Places (or caseload places) free per week now; `None` when no
    /// capacity was ever recorded.
    pub headroom: Option<f64>,
    /// Utilisation over the recent window; `None` without capacity.
    pub utilisation: Option<f64>,
}

/// How one candidate fits.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub needs_met: Vec<Need>,
    pub matched: Vec<Capability>,
    pub missing_required: Vec<Capability>,
    pub missing_preferred: Vec<Capability>,
    pub takes_age: bool,
    pub has_room: bool,
    /// 0 to 1: higher is better (see `score`).
    pub score: f64,
}

impl Fit {
    pub fn eligible(&self) -> bool {
        self.missing_required.is_empty() && self.takes_age
    }
}

/// Why nothing fits.
#[derive(Debug, Clone, PartialEq)]
pub enum NoFit {
    /// No service addresses the needs within the distance.
    NoServiceNearby,
    /// Services address the needs nearby, but none offers every required
    /// capability; with how many nearby services lack each.
    LacksCapability(Vec<(Capability, usize)>),
    /// Services nearby have the capabilities, but none takes the person's age.
    NotForTheirAge,
    /// Services fit, but none has room now.
    AllFull,
}

impl NoFit {
    pub fn reason(&self) -> NoFitReason {
        match self {
            NoFit::NoServiceNearby => NoFitReason::NoServiceNearby,
            NoFit::LacksCapability(_) => NoFitReason::LacksCapability,
            NoFit::NotForTheirAge => NoFitReason::NotForTheirAge,
            NoFit::AllFull => NoFitReason::AllFull,
        }
    }

    /// The capability a report of this names: the required one nearby
    /// services lack most often.
    pub fn missing_capability(&self) -> Option<&Capability> {
        match self {
            NoFit::LacksCapability(lacking) => lacking.first().map(|(c, _)| c),
            _ => None,
        }
    }

    /// Why, in a sentence, for a search within `max_distance_km`.
    pub fn explanation(&self, max_distance_km: f64) -> String {
        let km = max_distance_km;
        match self {
            NoFit::NoServiceNearby => format!("no service within {km} km addresses these needs"),
            NoFit::LacksCapability(lacking) => {
                let labels: Vec<String> = lacking.iter().map(|(c, _)| c.label()).collect();
                format!(
                    "services within {km} km address these needs, but none offers {}",
                    labels.join(" and ")
                )
            }
            NoFit::NotForTheirAge => {
                format!("services within {km} km fit, but none takes this age band")
            }
            NoFit::AllFull => format!("services within {km} km fit, but none has room now"),
        }
    }
}

/// The ranked fits, and the counts behind "why nothing fits".
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Candidates that fit (and, with `include_full`, those without room
    /// after them), best first.
    pub fits: Vec<(Candidate, Fit)>,
    /// Services near the person addressing their needs.
    pub nearby: usize,
    /// Of those, the ones that meet every requirement.
    pub eligible: usize,
    /// Of those, the ones with room now.
    pub with_room: usize,
    /// Set when no candidate both fits and has room.
    pub no_fit: Option<NoFit>,
}

/// Weights of the score's parts: fit first, then room, distance, freshness.
const W_FIT: f64 = 0.4;
const W_ROOM: f64 = 0.3;
const W_NEAR: f64 = 0.2;
const W_FRESH: f64 = 0.1;

/// Room now: a status that takes referrals (open or limited) and places
/// free.
fn has_room(c: &Candidate) -> bool {
    matches!(c.status, Some(ServiceStatus::Open | ServiceStatus::Limited))
        && c.headroom.is_some_and(|h| h > 0.0)
}

/// Whether `c` addresses at least one of the needs.
pub fn addresses(wants: &Wants, c: &Candidate) -> bool {
    wants.needs.iter().any(|n| c.needs.contains(n))
}

/// The first required capability `c` lacks, if any.
pub fn first_missing<'a>(wants: &'a Wants, c: &Candidate) -> Option<&'a Capability> {
    wants
        .required
        .iter()
        .find(|cap| !c.capabilities.contains(cap))
}

/// Whether `c` takes the person's age band (any, when it is unknown).
pub fn takes_age(wants: &Wants, c: &Candidate) -> bool {
    wants.age_band.is_none_or(|b| c.ages.takes(b))
}

pub fn assess(wants: &Wants, c: &Candidate) -> Fit {
    let has = |cap: &Capability| c.capabilities.contains(cap);
    let needs_met: Vec<Need> = wants
        .needs
        .iter()
        .filter(|n| c.needs.contains(n))
        .cloned()
        .collect();
    let matched: Vec<Capability> = wants
        .required
        .iter()
        .chain(&wants.preferred)
        .filter(|cap| has(cap))
        .cloned()
        .collect();
    let missing_required: Vec<Capability> = wants
        .required
        .iter()
        .filter(|cap| !has(cap))
        .cloned()
        .collect();
    let missing_preferred: Vec<Capability> = wants
        .preferred
        .iter()
        .filter(|cap| !has(cap))
        .cloned()
        .collect();
    let takes_age = takes_age(wants, c);
    let has_room = has_room(c);

    let share = |part: usize, whole: usize| {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    };
    let fit = 0.5 * share(needs_met.len(), wants.needs.len())
        + 0.5
            * share(
                wants.preferred.len() - missing_preferred.len(),
                wants.preferred.len(),
            );
    let room = if has_room {
        (1.0 - c.utilisation.unwrap_or(1.0)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let near = (1.0 - c.distance_km / wants.max_distance_km.max(0.001)).clamp(0.0, 1.0);
    let fresh = match c.staleness {
        None => 0.0,
        Some(s) if s.stale => 0.0,
        Some(s) => 1.0 - s.days_since_confirmed as f64 / (wants.stale_after_days.max(1) + 1) as f64,
    };
    Fit {
        needs_met,
        matched,
        missing_required,
        missing_preferred,
        takes_age,
        has_room,
        score: W_FIT * fit + W_ROOM * room + W_NEAR * near + W_FRESH * fresh,
    }
}

/// Assesses every candidate and ranks those that fit: with room first,
/// then by score, then nearest, then by id (so the order is stable).
pub fn rank(wants: &Wants, candidates: Vec<Candidate>) -> Ranking {
    let nearby = candidates.len();
    let mut lacking: Vec<(Capability, usize)> = Vec::new();
    let (mut capable, mut eligible, mut with_room) = (0, 0, 0);
    let mut fits = Vec::new();
    for c in candidates {
        let fit = assess(wants, &c);
        for cap in &fit.missing_required {
            match lacking.iter_mut().find(|(k, _)| k == cap) {
                Some((_, n)) => *n += 1,
                None => lacking.push((cap.clone(), 1)),
            }
        }
        capable += usize::from(fit.missing_required.is_empty());
        if fit.eligible() {
            eligible += 1;
            with_room += usize::from(fit.has_room);
            if fit.has_room || wants.include_full {
                fits.push((c, fit));
            }
        }
    }
    fits.sort_by(|(a, fa), (b, fb)| {
        fb.has_room
            .cmp(&fa.has_room)
            .then(fb.score.total_cmp(&fa.score))
            .then(a.distance_km.total_cmp(&b.distance_km))
            .then(a.service_id.cmp(&b.service_id))
    });
    lacking.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let no_fit = if with_room > 0 {
        None
    } else if nearby == 0 {
        Some(NoFit::NoServiceNearby)
    } else if capable == 0 {
        Some(NoFit::LacksCapability(lacking))
    } else if eligible == 0 {
        Some(NoFit::NotForTheirAge)
    } else {
        Some(NoFit::AllFull)
    };
    Ranking {
        fits,
        nearby,
        eligible,
        with_room,
        no_fit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capability::CapabilityKind;

    fn cap(kind: CapabilityKind, code: &str) -> Capability {
        Capability::parse("c", kind, code).unwrap()
    }

    fn sylheti() -> Capability {
        cap(CapabilityKind::Language, "syl")
    }

    fn women_only() -> Capability {
        cap(CapabilityKind::Gender, "women_only")
    }

    fn wants() -> Wants {
        Wants {
            needs: vec![Need::Loneliness, Need::CarerSupport],
            required: vec![sylheti()],
            preferred: vec![women_only()],
            age_band: Some(AgeBand::From65To74),
            max_distance_km: 10.0,
            include_full: false,
            stale_after_days: 30,
        }
    }

    fn candidate(id: i64) -> Candidate {
        Candidate {
            service_id: id,
            distance_km: 2.0,
            needs: vec![Need::Loneliness, Need::CarerSupport],
            capabilities: vec![sylheti(), women_only()],
            ages: AgeRange::default(),
            status: Some(ServiceStatus::Open),
            staleness: Some(Staleness {
                days_since_confirmed: 3,
                stale: false,
            }),
            headroom: Some(4.0),
            utilisation: Some(0.6),
        }
    }

    fn order(r: &Ranking) -> Vec<i64> {
        r.fits.iter().map(|(c, _)| c.service_id).collect()
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // London (51.5074, -0.1278) to Birmingham (52.4862, -1.8904):
        // about 163 km along the great circle.
        let d = haversine_km(
            Point {
                lat: 51.5074,
                lon: -0.1278,
            },
            Point {
                lat: 52.4862,
                lon: -1.8904,
            },
        );
        assert!((d - 163.0).abs() < 1.5, "{d}");
        let p = Point {
            lat: 52.0,
            lon: -1.0,
        };
        assert_eq!(haversine_km(p, p), 0.0);
    }

    /// The point `km` from `from` along `bearing` (radians from north),
    /// on the sphere.
    fn travelled(from: Point, km: f64, bearing: f64) -> Point {
        let r = km / EARTH_RADIUS_KM;
        let (phi, lambda) = (from.lat.to_radians(), from.lon.to_radians());
        let phi2 = (phi.sin() * r.cos() + phi.cos() * r.sin() * bearing.cos()).asin();
        let lambda2 =
            lambda + (bearing.sin() * r.sin() * phi.cos()).atan2(r.cos() - phi.sin() * phi2.sin());
        // Longitudes from -180° to 180°, as places are recorded.
        let lon = (lambda2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
        Point {
            lat: phi2.to_degrees(),
            lon,
        }
    }

    proptest::proptest! {
        #[test]
        fn the_bounding_box_holds_every_point_within_the_distance(
            lat in -80.0..80.0_f64,
            lon in -180.0..180.0_f64,
            km in 0.01..200.0_f64,
            bearing in 0.0..std::f64::consts::TAU,
            short in 0.0..1.0_f64,
        ) {
            let centre = Point { lat, lon };
            let (lo, hi) = bounding_box(centre, km);
            // On the edge of the circle, and anywhere inside it.
            for p in [travelled(centre, km, bearing), travelled(centre, km * short, bearing)] {
                if haversine_km(centre, p) <= km {
                    proptest::prop_assert!(
                        p.lat >= lo.lat && p.lat <= hi.lat && p.lon >= lo.lon && p.lon <= hi.lon,
                        "{:?} outside {:?}..{:?}", p, lo, hi
                    );
                    proptest::prop_assert_eq!(
                        Reach::new(centre, km).distance_km(p),
                        Some(haversine_km(centre, p))
                    );
                }
            }
            // Beyond the distance is out of reach.
            let far = travelled(centre, km * 1.01 + 0.01, bearing);
            proptest::prop_assert_eq!(Reach::new(centre, km).distance_km(far), None);
        }
    }

    #[test]
    fn a_circle_around_a_pole_or_across_the_antimeridian_spans_every_longitude() {
        let centre = Point {
            lat: 89.99,
            lon: 30.0,
        };
        let (lo, hi) = bounding_box(centre, 10.0);
        assert_eq!((lo.lon, hi.lon), (-180.0, 180.0));
        let across = Point {
            lat: 89.995,
            lon: -150.0,
        };
        assert!(Reach::new(centre, 10.0).distance_km(across).is_some());
        // Fiji, 5 km either side of 180°.
        let east = Point {
            lat: -17.0,
            lon: 179.98,
        };
        let west = Point {
            lat: -17.0,
            lon: -179.98,
        };
        assert!(haversine_km(east, west) < 5.0);
        assert!(Reach::new(east, 5.0).distance_km(west).is_some());
    }

    #[test]
    fn a_service_missing_a_required_capability_never_fits() {
        let mut c = candidate(1);
        c.capabilities = vec![women_only()];
        let r = rank(&wants(), vec![c]);
        assert!(r.fits.is_empty());
        assert_eq!(r.no_fit, Some(NoFit::LacksCapability(vec![(sylheti(), 1)])));
    }

    #[test]
    fn a_preferred_capability_ranks_a_service_higher() {
        let mut without = candidate(1);
        without.capabilities = vec![sylheti()];
        let with = candidate(2);
        let r = rank(&wants(), vec![without, with]);
        assert_eq!(order(&r), vec![2, 1]);
        assert_eq!(r.fits[1].1.missing_preferred, vec![women_only()]);
    }

    #[test]
    fn nearer_fresher_and_emptier_rank_higher() {
        let mut far = candidate(1);
        far.distance_km = 8.0;
        assert_eq!(order(&rank(&wants(), vec![far, candidate(2)])), vec![2, 1]);
        let mut stale = candidate(3);
        stale.staleness = Some(Staleness {
            days_since_confirmed: 90,
            stale: true,
        });
        assert_eq!(
            order(&rank(&wants(), vec![stale, candidate(4)])),
            vec![4, 3]
        );
        let mut busy = candidate(5);
        busy.utilisation = Some(0.95);
        assert_eq!(order(&rank(&wants(), vec![busy, candidate(6)])), vec![6, 5]);
    }

    #[test]
    fn full_services_are_left_out_unless_asked_for_and_then_come_last() {
        let mut full = candidate(1);
        full.status = Some(ServiceStatus::Full);
        let mut no_places = candidate(2);
        no_places.headroom = Some(-1.0);
        let r = rank(&wants(), vec![full.clone(), no_places.clone()]);
        assert!(r.fits.is_empty());
        assert_eq!(r.no_fit, Some(NoFit::AllFull));
        assert_eq!((r.eligible, r.with_room), (2, 0));
        let mut include = wants();
        include.include_full = true;
        let r = rank(&include, vec![full, candidate(3), no_places]);
        assert_eq!(order(&r)[0], 3);
        assert_eq!(r.fits.len(), 3);
        assert_eq!(r.no_fit, None);
    }

    #[test]
    fn a_service_not_for_their_age_does_not_fit() {
        let mut young = candidate(1);
        young.ages = AgeRange::parse(("min", "max"), Some(16), Some(25)).unwrap();
        let r = rank(&wants(), vec![young]);
        assert!(r.fits.is_empty());
        assert_eq!(r.no_fit, Some(NoFit::NotForTheirAge));
    }

    #[test]
    fn nothing_nearby_is_said_so() {
        let r = rank(&wants(), vec![]);
        assert_eq!(r.no_fit, Some(NoFit::NoServiceNearby));
        assert_eq!(r.nearby, 0);
    }

    #[test]
    fn a_service_meeting_more_needs_ranks_higher() {
        let mut one_need = candidate(1);
        one_need.needs = vec![Need::Loneliness];
        let r = rank(&wants(), vec![one_need, candidate(2)]);
        assert_eq!(order(&r), vec![2, 1]);
        assert_eq!(r.fits[1].1.needs_met, vec![Need::Loneliness]);
    }
}
