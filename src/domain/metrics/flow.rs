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
    /// once. (`episodes` finds the same event by position.)
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
    fn a_referral_declined_and_sent_on_has_two_episodes() {
        let at = |on: &str, to, service: i64, reason| Event {
            on: d(on),
            to,
            service: Some(service),
            reason,
        };
        let h = History {
            events: vec![
                Event {
                    on: d("2026-01-01"),
                    to: Received,
                    service: None,
                    reason: None,
                },
                at("2026-01-02", Sent, 1, None),
                at("2026-01-03", WaitListed, 1, None),
                at("2026-01-20", Declined, 1, Some(DeclineReason::Capacity)),
                at("2026-01-21", Sent, 2, None),
                at("2026-01-23", Accepted, 2, None),
                at("2026-01-30", Started, 2, None),
                at("2026-03-01", Completed, 2, None),
            ],
        };
        let eps = h.episodes();
        assert_eq!(eps.len(), 2);
        assert_eq!(eps[0].service, 1);
        assert_eq!(
            (eps[0].waitlisted_on, eps[0].waitlist_end_on),
            (Some(d("2026-01-03")), Some(d("2026-01-20")))
        );
        assert_eq!(eps[0].decline_reason, Some(DeclineReason::Capacity));
        assert_eq!(eps[0].demand_on, None);
        assert_eq!(eps[1].demand_on, Some(d("2026-01-23")));
        assert_eq!(
            (eps[1].started_on, eps[1].ended_on),
            (Some(d("2026-01-30")), Some(d("2026-03-01")))
        );
        // The wait runs from the first wait-listing, at the other service.
        assert_eq!(eps[1].wait_from_on, Some(d("2026-01-03")));
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

/// A referral's time at one service: from a `sent` to the next `sent` (or
/// the end), with the days the measures need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Episode {
    pub service: i64,
    /// Set on the episode holding the referral's demand event.
    pub demand_on: Option<NaiveDate>,
    pub waitlisted_on: Option<NaiveDate>,
    pub waitlist_end_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub declined_on: Option<NaiveDate>,
    pub decline_reason: Option<DeclineReason>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    /// Where the wait to start is counted from: the referral's first
    /// acceptance or wait-listing (set with `started_on`).
    pub wait_from_on: Option<NaiveDate>,
}

impl History {
    /// The referral's episodes, in order. Events before the first `sent`
    /// belong to none. Each measure read from episodes equals the same
    /// measure read from the events (see the tests of `store::metrics`).
    pub fn episodes(&self) -> Vec<Episode> {
        let demand_at = self
            .events
            .iter()
            .position(|e| matches!(e.to, Accepted | Started));
        let wait = self.wait();
        let mut out: Vec<Episode> = Vec::new();
        for (i, e) in self.events.iter().enumerate() {
            if e.to == Sent {
                if let Some(service) = e.service {
                    out.push(Episode {
                        service,
                        demand_on: None,
                        waitlisted_on: None,
                        waitlist_end_on: None,
                        accepted_on: None,
                        declined_on: None,
                        decline_reason: None,
                        started_on: None,
                        ended_on: None,
                        wait_from_on: None,
                    });
                }
                continue;
            }
            let Some(ep) = out.last_mut() else { continue };
            let first = |slot: &mut Option<NaiveDate>| {
                if slot.is_none() {
                    *slot = Some(e.on);
                }
            };
            match e.to {
                WaitListed => first(&mut ep.waitlisted_on),
                Accepted => first(&mut ep.accepted_on),
                Declined if ep.declined_on.is_none() => {
                    ep.declined_on = Some(e.on);
                    ep.decline_reason = e.reason;
                }
                Started => first(&mut ep.started_on),
                _ => {}
            }
            if ep.waitlisted_on.is_some()
                && ep.waitlist_end_on.is_none()
                && e.to != WaitListed
                && matches!(e.to, Accepted | Started | Declined | Withdrawn)
            {
                ep.waitlist_end_on = Some(e.on);
            }
            if ep.started_on.is_some()
                && ep.ended_on.is_none()
                && matches!(e.to, Completed | DidNotAttend | Withdrawn)
            {
                ep.ended_on = Some(e.on);
            }
            if demand_at == Some(i) {
                ep.demand_on = Some(e.on);
            }
        }
        if let Some((service, started, days)) = wait {
            if let Some(ep) = out
                .iter_mut()
                .find(|ep| ep.service == service && ep.started_on == Some(started))
            {
                ep.wait_from_on = Some(started - chrono::Duration::days(days));
            }
        }
        out
    }
}
