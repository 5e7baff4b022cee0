//! Extra demand as streams: each change becomes people a week from each
//! ward with one need, age band and language, shared out in proportion to
//! what the baseline shows for the place (or as the change states).

use std::collections::BTreeMap;

use super::change::Mix;
use crate::domain::capability::Capability;
use crate::domain::codes::{AgeBand, GatewayKind, Need};

/// Referrals in the baseline from one ward with one need, age band and
/// preferred language (a referral with several needs counts a share to
/// each).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub ward_id: i64,
    pub need: Need,
    pub age_band: Option<AgeBand>,
    pub language: Option<String>,
    pub referrals: f64,
}

/// The baseline's referrals from a place, by one gateway kind or by all:
/// who they were, how many were received and how many went on to a
/// community service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub cells: Vec<Cell>,
    pub received: f64,
    pub onward: f64,
}

impl Profile {
    /// The share of people received who went on to a community service.
    pub fn onward_rate(&self) -> Option<f64> {
        (self.received > 0.0).then(|| (self.onward / self.received).clamp(0.0, 1.0))
    }
}

/// The baseline's referrals by ward and gateway kind, read once for every
/// place a run looks at; each change's profile is cut from it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WardHistory {
    pub cells: Vec<(GatewayKind, Cell)>,
    /// Referrals received, and those that went on, by ward and kind.
    pub totals: Vec<(i64, GatewayKind, f64, f64)>,
}

impl WardHistory {
    /// The profile of `wards` (sorted; every ward read when None), from
    /// gateways of `kind` (any when None).
    pub fn profile(&self, wards: Option<&[i64]>, kind: Option<GatewayKind>) -> Profile {
        let wanted = |ward: i64, k: GatewayKind| {
            wards.is_none_or(|w| w.binary_search(&ward).is_ok())
                && kind.is_none_or(|want| want == k)
        };
        let mut p = Profile::default();
        for (k, c) in &self.cells {
            if wanted(c.ward_id, *k) {
                p.cells.push(c.clone());
            }
        }
        for &(ward, k, received, onward) in &self.totals {
            if wanted(ward, k) {
                p.received += received;
                p.onward += onward;
            }
        }
        p
    }
}

/// One stream of extra referrals at the change's full effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// The index of the change it comes from.
    pub change: usize,
    pub ward_id: i64,
    pub need: Need,
    pub age_band: Option<AgeBand>,
    pub language: Option<String>,
    pub required: Vec<Capability>,
    pub per_week: f64,
}

type Who = (Need, Option<AgeBand>, Option<String>);

/// Each ward's share: by its referrals in `history`, or equal where the
/// place's wards have none.
fn ward_shares(wards: &[i64], history: &[Cell]) -> Vec<(i64, f64)> {
    let mut by_ward: BTreeMap<i64, f64> = wards.iter().map(|w| (*w, 0.0)).collect();
    for c in history {
        if let Some(n) = by_ward.get_mut(&c.ward_id) {
            *n += c.referrals.max(0.0);
        }
    }
    let total: f64 = by_ward.values().sum();
    let n = by_ward.len() as f64;
    by_ward
        .into_iter()
        .map(|(w, r)| (w, if total > 0.0 { r / total } else { 1.0 / n }))
        .filter(|(_, s)| *s > 0.0)
        .collect()
}

/// Who the people are, as shares summing to 1 (empty with no history).
fn who(history: &[Cell]) -> Vec<(Who, f64)> {
    let mut by: BTreeMap<Who, f64> = BTreeMap::new();
    for c in history {
        *by.entry((c.need, c.age_band, c.language.clone()))
            .or_default() += c.referrals.max(0.0);
    }
    let total: f64 = by.values().sum();
    by.into_iter()
        .filter(|(_, r)| *r > 0.0)
        .map(|(k, r)| (k, r / total))
        .collect()
}

fn streams(
    change: usize,
    per_week: f64,
    wards: &[(i64, f64)],
    who: &[(Who, f64)],
    extra_required: &[Capability],
) -> Vec<Stream> {
    let mut out = Vec::with_capacity(wards.len() * who.len());
    for &(ward_id, ward_share) in wards {
        for ((need, age_band, language), share) in who {
            let mut required: Vec<Capability> = extra_required.to_vec();
            if let Some(c) = language.as_deref().and_then(Mix::language_requirement) {
                if !required.contains(&c) {
                    required.push(c);
                }
            }
            out.push(Stream {
                change,
                ward_id,
                need: *need,
                age_band: *age_band,
                language: language.clone(),
                required,
                per_week: per_week * ward_share * share,
            });
        }
    }
    out
}

/// `per_week` referrals for `need` from `wards`: wards weighted by their
/// history for the need; ages and languages as the mix states, else as
/// the history for the need shows, else unknown age and English.
pub fn extra_demand(
    change: usize,
    need: Need,
    per_week: f64,
    mix: &Mix,
    wards: &[i64],
    history: &Profile,
) -> Vec<Stream> {
    let of_need: Vec<Cell> = history
        .cells
        .iter()
        .filter(|c| c.need == need)
        .cloned()
        .collect();
    let mut people = who(&of_need);
    if people.is_empty() {
        people = vec![((need, None, None), 1.0)];
    }
    if !mix.age_bands.is_empty() {
        people = restate(
            people,
            |(n, _, l)| (n, None, l),
            |(n, _, l), band: &AgeBand| (n, Some(*band), l),
            &mix.age_bands,
        );
    }
    if !mix.languages.is_empty() {
        people = restate(
            people,
            |(n, a, _)| (n, a, None),
            |(n, a, _), lang: &String| (n, a, Some(lang.clone())),
            &mix.languages,
        );
    }
    streams(
        change,
        per_week,
        &ward_shares(wards, &of_need),
        &people,
        &mix.required,
    )
}

/// Replaces one part of who the people are by the shares a change states:
/// `strip` removes the part, `with` sets it.
fn restate<K>(
    people: Vec<(Who, f64)>,
    strip: impl Fn(Who) -> Who,
    with: impl Fn(Who, &K) -> Who,
    stated: &[(K, f64)],
) -> Vec<(Who, f64)> {
    let mut rest: BTreeMap<Who, f64> = BTreeMap::new();
    for (w, s) in people {
        *rest.entry(strip(w)).or_default() += s;
    }
    let mut out = Vec::with_capacity(rest.len() * stated.len());
    for (w, s) in rest {
        for (k, share) in stated {
            out.push((with(w.clone(), k), s * share));
        }
    }
    out
}

/// Gateway staff who see `people_per_week` new people from `wards`: they
/// go on at `onward_rate`, with needs, ages and languages as `mix_from`
/// shows, from each ward as `wards_from` shows (equally where it shows
/// nothing). Empty when `mix_from` has no referrals.
pub fn gateway_staff(
    change: usize,
    people_per_week: f64,
    onward_rate: f64,
    wards: &[i64],
    wards_from: &Profile,
    mix_from: &Profile,
) -> Vec<Stream> {
    streams(
        change,
        people_per_week * onward_rate,
        &ward_shares(wards, &wards_from.cells),
        &who(&mix_from.cells),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell(ward: i64, need: Need, band: AgeBand, lang: &str, n: f64) -> Cell {
        Cell {
            ward_id: ward,
            need,
            age_band: Some(band),
            language: Some(lang.to_owned()),
            referrals: n,
        }
    }

    fn total(s: &[Stream]) -> f64 {
        s.iter().map(|s| s.per_week).sum()
    }

    #[test]
    fn demand_follows_the_wards_and_people_of_its_need_in_the_history() {
        let history = Profile {
            cells: vec![
                cell(1, Need::Dementia, AgeBand::From75To84, "syl", 3.0),
                cell(2, Need::Dementia, AgeBand::From65To74, "en", 1.0),
                cell(2, Need::Loneliness, AgeBand::From18To24, "en", 50.0),
            ],
            ..Profile::default()
        };
        let s = extra_demand(0, Need::Dementia, 8.0, &Mix::default(), &[1, 2], &history);
        assert!((total(&s) - 8.0).abs() < 1e-9);
        let ward1: f64 = s
            .iter()
            .filter(|s| s.ward_id == 1)
            .map(|s| s.per_week)
            .sum();
        assert!(
            (ward1 - 6.0).abs() < 1e-9,
            "3 of 4 dementia referrals came from ward 1"
        );
        let sylheti: Vec<&Stream> = s
            .iter()
            .filter(|s| s.language.as_deref() == Some("syl"))
            .collect();
        assert!(sylheti
            .iter()
            .all(|s| s.required.iter().any(|c| c.code == "syl")));
        assert!(s.iter().all(|s| s.need == Need::Dementia));
    }

    #[test]
    fn a_stated_mix_replaces_the_historys_and_a_place_without_history_is_shared_equally() {
        let mix = Mix {
            age_bands: vec![(AgeBand::From65To74, 0.5), (AgeBand::From75To84, 0.5)],
            languages: vec![("syl".into(), 1.0)],
            required: vec![],
        };
        let s = extra_demand(0, Need::Dementia, 4.0, &mix, &[1, 2], &Profile::default());
        assert_eq!(s.len(), 4);
        assert!(s.iter().all(|s| (s.per_week - 1.0).abs() < 1e-9));
        assert!(s.iter().all(|s| s.language.as_deref() == Some("syl")));
    }

    proptest! {
        #[test]
        fn every_person_added_is_in_exactly_one_stream(
            per_week in 0.0..500.0_f64,
            counts in prop::collection::vec(0.0..20.0_f64, 0..12),
            wards in prop::collection::btree_set(1..40_i64, 1..8),
        ) {
            let wards: Vec<i64> = wards.into_iter().collect();
            let cells = counts.iter().enumerate().map(|(i, n)| cell(
                wards[i % wards.len()],
                Need::ALL[i % Need::ALL.len()],
                AgeBand::ALL[i % AgeBand::ALL.len()],
                ["en", "syl", "pa"][i % 3],
                *n,
            )).collect();
            let history = Profile { cells, received: 10.0, onward: 5.0 };
            for need in [Need::ALL[0], Need::ALL[1]] {
                let s = extra_demand(0, need, per_week, &Mix::default(), &wards, &history);
                prop_assert!((total(&s) - per_week).abs() < 1e-6 * per_week.max(1.0));
            }
            let s = gateway_staff(1, per_week, 0.5, &wards, &history, &history);
            if history.cells.iter().any(|c| c.referrals > 0.0) {
                prop_assert!((total(&s) - per_week * 0.5).abs() < 1e-6 * per_week.max(1.0));
            } else {
                prop_assert!(s.is_empty());
            }
        }
    }
}
