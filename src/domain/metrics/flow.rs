//! What happens to referrals over time, read from their events: demand `D`,
//! active caseload, the waiting list `W`, waits, answers and declines.

use chrono::NaiveDate;

use super::Window;
use crate::domain::codes::DeclineReason;
use crate::domain::referral::ReferralState::{self, *};

/// One lifecycle event, as the metrics need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub on: NaiveDate,
    pub to: ReferralState,
    pub service: Option<i64>,
    pub reason: Option<DeclineReason>,
}

/// A referral's events in the order they happened (time, then record order).
#[derive(Debug, Clone, Default)]
pub struct History {
    pub events: Vec<Event>,
}

impl History {
    /// The event that makes the referral demand: its first `accepted`, or
    /// its `started` where no `accepted` came before. Each referral counts
    /// once.
    pub fn demand_event(&self) -> Option<&Event> {
        self.events
            .iter()
            .find(|e| matches!(e.to, Accepted | Started))
    }

    /// The days it is on a caseload: from `started` (inclusive) to the end
    /// of the episode (completed, did not attend or withdrawn; exclusive).
    pub fn active_interval(&self) -> Option<(i64, NaiveDate, Option<NaiveDate>)> {
        let start = self.events.iter().position(|e| e.to == Started)?;
        let service = self.events[start].service?;
        let end = self.events[start + 1..]
            .iter()
            .find(|e| matches!(e.to, Completed | DidNotAttend | Withdrawn))
            .map(|e| e.on);
        Some((service, self.events[start].on, end))
    }

    /// The days it waits on a list: from each `wait_listed` (inclusive)
    /// until it is accepted, started, declined or withdrawn (exclusive).
    pub fn waiting_intervals(&self) -> Vec<(i64, NaiveDate, Option<NaiveDate>)> {
        let mut out = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            if e.to != WaitListed {
                continue;
            }
            let Some(service) = e.service else { continue };
            let end = self.events[i + 1..]
                .iter()
                .find(|x| matches!(x.to, Accepted | Started | Declined | Withdrawn))
                .map(|x| x.on);
            out.push((service, e.on, end));
        }
        out
    }

    /// Days from the first `accepted` or `wait_listed` to `started`, with
    /// the service and day it started.
    pub fn wait(&self) -> Option<(i64, NaiveDate, i64)> {
        let started = self.events.iter().find(|e| e.to == Started)?;
        let service = started.service?;
        let answered = self
            .events
            .iter()
            .find(|e| matches!(e.to, Accepted | WaitListed))?;
        Some((service, started.on, (started.on - answered.on).num_days()))
    }

    /// Services that answered it (accepted, wait-listed or declined) inside
    /// the window, each once.
    pub fn answered_by(&self, window: &Window) -> Vec<i64> {
        let mut services: Vec<i64> = self
            .events
            .iter()
            .filter(|e| matches!(e.to, Accepted | WaitListed | Declined) && window.contains(e.on))
            .filter_map(|e| e.service)
            .collect();
        services.sort_unstable();
        services.dedup();
        services
    }

    /// Declines inside the window with `reason`, by service.
    pub fn declines(&self, window: &Window, reason: DeclineReason) -> Vec<i64> {
        self.events
            .iter()
            .filter(|e| e.to == Declined && e.reason == Some(reason) && window.contains(e.on))
            .filter_map(|e| e.service)
            .collect()
    }
}

/// Which of the ordered values is the `p`th percentile by nearest rank:
/// the value at rank `ceil(p × n)`, ascending. The same answer on every
/// database; no interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Percentile {
    Median,
    P90,
}

impl Percentile {
    /// `ceil(p × n)` in whole numbers, so SQL can use the same arithmetic.
    pub fn rank(self, n: i64) -> i64 {
        match self {
            Percentile::Median => (n + 1) / 2,
            Percentile::P90 => (9 * n + 9) / 10,
        }
    }

    pub fn of(self, sorted: &[i64]) -> Option<i64> {
        let rank = self.rank(sorted.len() as i64);
        (rank >= 1).then(|| sorted[(rank - 1) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn e(on: &str, to: ReferralState) -> Event {
        Event {
            on: d(on),
            to,
            service: Some(1),
            reason: None,
        }
    }

    #[test]
    fn demand_is_the_first_acceptance() {
        let h = History {
            events: vec![
                e("2026-01-01", Received),
                e("2026-01-02", Sent),
                e("2026-01-05", Accepted),
                e("2026-01-09", Started),
            ],
        };
        assert_eq!(h.demand_event().map(|e| e.on), Some(d("2026-01-05")));
    }

    #[test]
    fn a_start_straight_from_the_waiting_list_is_demand_on_its_start() {
        let h = History {
            events: vec![
                e("2026-01-02", Sent),
                e("2026-01-03", WaitListed),
                e("2026-02-01", Started),
            ],
        };
        assert_eq!(h.demand_event().map(|e| e.on), Some(d("2026-02-01")));
        assert_eq!(h.wait().map(|w| w.2), Some(29));
    }

    #[test]
    fn an_episode_ends_on_its_completion_day() {
        let h = History {
            events: vec![
                e("2026-01-05", Accepted),
                e("2026-01-09", Started),
                e("2026-03-01", Completed),
            ],
        };
        assert_eq!(
            h.active_interval(),
            Some((1, d("2026-01-09"), Some(d("2026-03-01"))))
        );
    }

    #[test]
    fn nearest_rank_picks_a_value_never_interpolates() {
        let v = [1, 2, 3, 4];
        assert_eq!(Percentile::Median.of(&v), Some(2));
        assert_eq!(Percentile::P90.of(&v), Some(4));
        assert_eq!(Percentile::Median.of(&[7]), Some(7));
        assert_eq!(Percentile::P90.of(&[]), None);
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(Percentile::P90.of(&ten), Some(9));
        assert_eq!(Percentile::Median.of(&ten), Some(5));
    }

    #[test]
    fn percentile_ranks_match_ceiling_for_every_size() {
        for n in 1..500_i64 {
            assert_eq!(Percentile::Median.rank(n), (0.5 * n as f64).ceil() as i64);
            assert_eq!(
                Percentile::P90.rank(n),
                (0.9 * n as f64 - 1e-9).ceil() as i64
            );
        }
    }
}
