//! A service's (or a group's) figures week by week, as stored with a run
//! and drawn on a chart: arrivals, rates, waiting lists and waits before
//! and after, with the bands of the after projection.

use serde::{Deserialize, Serialize};

use super::engine::ServiceOutcome;
use super::projection::Projection;
use super::uncertainty::Bands;

/// Week-by-week figures of one service, rounded to what a chart shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub arrivals_before: Vec<f64>,
    pub arrivals_after: Vec<f64>,
    pub rate_before: Vec<f64>,
    pub rate_after: Vec<f64>,
    pub waiting_before: Vec<f64>,
    pub waiting_after: Vec<f64>,
    pub wait_days_before: Vec<Option<f64>>,
    pub wait_days_after: Vec<Option<f64>>,
    pub waiting_p10: Vec<Option<f64>>,
    pub waiting_p50: Vec<Option<f64>>,
    pub waiting_p90: Vec<Option<f64>>,
    pub wait_days_p10: Vec<Option<f64>>,
    pub wait_days_p50: Vec<Option<f64>>,
    pub wait_days_p90: Vec<Option<f64>>,
}

/// To a thousandth: what a chart or table shows.
pub fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Series {
    /// The series of one service's outcome.
    pub fn of(o: &ServiceOutcome) -> Series {
        let r = |v: &[f64]| v.iter().copied().map(round).collect::<Vec<_>>();
        let ro = |v: Vec<Option<f64>>| v.into_iter().map(|x| x.map(round)).collect::<Vec<_>>();
        let arrivals = |p: &Projection| r(&p.weeks.iter().map(|w| w.arrivals).collect::<Vec<_>>());
        let waiting = |p: &Projection| r(&p.weeks.iter().map(|w| w.waiting).collect::<Vec<_>>());
        let waits = |p: &Projection| ro(p.weeks.iter().map(|w| w.wait_days).collect());
        let band = |pick: &dyn Fn(&Bands) -> Vec<Option<f64>>| {
            o.bands.as_ref().map(|b| ro(pick(b))).unwrap_or_default()
        };
        Series {
            arrivals_before: arrivals(&o.before),
            arrivals_after: arrivals(&o.after),
            rate_before: r(&o.rates_before),
            rate_after: r(&o.rates_after),
            waiting_before: waiting(&o.before),
            waiting_after: waiting(&o.after),
            wait_days_before: waits(&o.before),
            wait_days_after: waits(&o.after),
            waiting_p10: band(&|b| b.waiting.iter().map(|x| x.p10).collect()),
            waiting_p50: band(&|b| b.waiting.iter().map(|x| x.p50).collect()),
            waiting_p90: band(&|b| b.waiting.iter().map(|x| x.p90).collect()),
            wait_days_p10: band(&|b| b.wait_days.iter().map(|x| x.p10).collect()),
            wait_days_p50: band(&|b| b.wait_days.iter().map(|x| x.p50).collect()),
            wait_days_p90: band(&|b| b.wait_days.iter().map(|x| x.p90).collect()),
        }
    }
}

impl Series {
    /// The sum of several services' means, week by week: a group's
    /// arrivals, rates and waiting lists. A group's wait is its waiting
    /// list ÷ its combined service rate (Little's law with the group's
    /// throughput at its rate); percentiles do not add, so a group has no
    /// bands.
    pub fn sum(parts: &[Series]) -> Series {
        let weeks = parts
            .iter()
            .map(|p| p.arrivals_after.len())
            .max()
            .unwrap_or(0);
        let add = |pick: fn(&Series) -> &Vec<f64>| -> Vec<f64> {
            (0..weeks)
                .map(|w| {
                    round(
                        parts
                            .iter()
                            .map(|p| pick(p).get(w).copied().unwrap_or(0.0))
                            .sum(),
                    )
                })
                .collect()
        };
        let wait = |waiting: &[f64], rate: &[f64]| -> Vec<Option<f64>> {
            waiting
                .iter()
                .zip(rate)
                .map(|(q, r)| super::projection::wait_days(*q, *r).map(round))
                .collect()
        };
        let mut out = Series {
            arrivals_before: add(|s| &s.arrivals_before),
            arrivals_after: add(|s| &s.arrivals_after),
            rate_before: add(|s| &s.rate_before),
            rate_after: add(|s| &s.rate_after),
            waiting_before: add(|s| &s.waiting_before),
            waiting_after: add(|s| &s.waiting_after),
            ..Series::default()
        };
        out.wait_days_before = wait(&out.waiting_before, &out.rate_before);
        out.wait_days_after = wait(&out.waiting_after, &out.rate_after);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_groups_series_adds_its_services_and_waits_by_its_combined_rate() {
        let one = Series {
            arrivals_after: vec![12.0, 12.0],
            rate_after: vec![10.0, 10.0],
            waiting_after: vec![2.0, 4.0],
            ..Series::default()
        };
        let two = Series {
            arrivals_after: vec![3.0, 3.0],
            rate_after: vec![4.0, 4.0],
            waiting_after: vec![0.0, 0.0],
            ..Series::default()
        };
        let g = Series::sum(&[one, two]);
        assert_eq!(g.arrivals_after, [15.0, 15.0]);
        assert_eq!(g.waiting_after, [2.0, 4.0]);
        // 4 waiting at 14 a week: 2 days.
        assert_eq!(g.wait_days_after[1], Some(2.0));
    }
}
