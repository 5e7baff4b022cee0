//! Arrivals are random: a run draws each week's arrivals at a service from
//! a Poisson distribution around the projected mean, projects the list
//! again, and repeats. The 10th, 50th and 90th percentiles over the
//! replications (nearest rank, as every percentile here) bound the
//! waiting list and the wait. Each service draws from its own seeded
//! stream, so the same scenario and seed give the same bands whatever
//! else is in the run and whichever database it was read from.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

use super::projection::{wait_days, ServiceModel, Stock};
use crate::domain::metrics::flow::Percentile;

/// The 10th, 50th and 90th percentiles of one figure; None for a wait
/// with no end (people wait and nobody starts).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Band {
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// A service's bands, week by week and at the peak.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bands {
    pub waiting: Vec<Band>,
    pub wait_days: Vec<Band>,
    pub peak_waiting: Band,
    pub peak_wait_days: Band,
}

/// The nearest-rank 10th, 50th and 90th percentiles (ranks ceil(p × n)),
/// found by selection rather than a full sort: a run ranks every week of
/// every service it touches. An infinity reads as None.
fn band(values: &mut [f64]) -> Band {
    let n = values.len() as i64;
    let ranks = [
        (n + 9) / 10,
        Percentile::Median.rank(n),
        Percentile::P90.rank(n),
    ];
    // Most futures of a service with room wait for nothing: the zeros go
    // first, and a rank among them needs no selection.
    let mut zeros = 0;
    for i in 0..values.len() {
        if values[i] <= 0.0 {
            values.swap(i, zeros);
            zeros += 1;
        }
    }
    let mut found = [None; 3];
    // Each selection leaves everything after the chosen place no smaller,
    // so the next (higher) rank is selected from there on.
    let mut from = zeros;
    for (slot, rank) in found.iter_mut().zip(ranks) {
        let Some(i) = usize::try_from(rank).ok().and_then(|r| r.checked_sub(1)) else {
            continue;
        };
        if i >= values.len() {
            continue;
        }
        if i < zeros {
            *slot = Some(0.0);
            continue;
        }
        if i >= from {
            values[from..].select_nth_unstable_by(i - from, f64::total_cmp);
            from = i;
        }
        *slot = Some(values[i]).filter(|v| v.is_finite());
    }
    Band {
        p10: found[0],
        p50: found[1],
        p90: found[2],
    }
}

/// Means up to this are drawn from a table of their distribution; above
/// it, by `rand_distr`'s sampler (the table would be long, and e^-mean
/// underflows past about 700).
const TABLE_UP_TO: f64 = 500.0;

/// One week's arrivals, drawn. A run draws millions: most means are small
/// and repeat week after week (a ramp, then full effect), so each distinct
/// mean gets the table of its cumulative probabilities once and every draw
/// is one uniform number and a short guided search (inverse transform
/// sampling).
enum Draw {
    Zero,
    Table(Table),
    Sampler(Poisson<f64>),
}

/// A mean's cumulative probabilities, with a guide to where to start
/// looking (Chen and Asau's indexed search): `guide[j]` is the first
/// place whose cumulative probability passes j ÷ its length, so a draw
/// starts there and looks at one or two places, not log₂ of them. It
/// finds the same place a binary search would.
struct Table {
    cdf: Vec<f64>,
    guide: Vec<u32>,
}

impl Table {
    fn new(cdf: Vec<f64>) -> Self {
        let m = cdf.len();
        let mut guide = Vec::with_capacity(m);
        let mut k = 0;
        for j in 0..m {
            let at = j as f64 / m as f64;
            while k < m - 1 && cdf[k] <= at {
                k += 1;
            }
            guide.push(k as u32);
        }
        Self { cdf, guide }
    }

    /// The first place whose cumulative probability passes `u` (the last
    /// place if none does).
    #[inline]
    fn place(&self, u: f64) -> usize {
        let last = self.cdf.len() - 1;
        let j = ((u * self.guide.len() as f64) as usize).min(self.guide.len() - 1);
        let mut k = self.guide[j] as usize;
        // u × length rounded up to a whole j can put the guide one place
        // past u.
        while k > 0 && self.cdf[k - 1] > u {
            k -= 1;
        }
        while k < last && self.cdf[k] <= u {
            k += 1;
        }
        k
    }
}

impl Draw {
    fn new(mean: f64) -> Self {
        if mean.is_nan() || mean <= 0.0 || !mean.is_finite() {
            return Draw::Zero;
        }
        if mean > TABLE_UP_TO {
            return Poisson::new(mean).map_or(Draw::Zero, Draw::Sampler);
        }
        // P(k) = e^-mean × mean^k ÷ k!, by recurrence, until the tail
        // beyond is below what a double can tell from 1.
        let mut p = (-mean).exp();
        let mut cdf = vec![p];
        let mut k = 1.0;
        while k <= mean || p > 1e-17 {
            p *= mean / k;
            let last = cdf[cdf.len() - 1];
            cdf.push(last + p);
            k += 1.0;
        }
        Draw::Table(Table::new(cdf))
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Draw::Zero => 0.0,
            Draw::Table(table) => table.place(rng.random()) as f64,
            Draw::Sampler(p) => p.sample(rng),
        }
    }
}

/// Draws `replications` futures of a service whose mean arrivals and
/// rates are given week by week; `stream` picks the service's own
/// random stream under `seed`.
pub fn replicate(
    model: &ServiceModel,
    arrivals: &[f64],
    rates: &[f64],
    replications: u32,
    seed: u64,
    stream: u64,
) -> Bands {
    let weeks = arrivals.len();
    let n = replications as usize;
    if n == 0 || weeks == 0 {
        return Bands::default();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    // One table per distinct mean, in week order (means repeat).
    let mut tables: Vec<(f64, Draw)> = Vec::new();
    let draw_of: Vec<usize> = arrivals
        .iter()
        .map(|&mean| match tables.iter().position(|(m, _)| *m == mean) {
            Some(i) => i,
            None => {
                tables.push((mean, Draw::new(mean)));
                tables.len() - 1
            }
        })
        .collect();
    let draws: Vec<&Draw> = draw_of.iter().map(|&i| &tables[i].1).collect();
    let rates: Vec<f64> = rates.iter().map(|r| r.max(0.0)).collect();
    // Every future's arrivals are drawn first, future by future and week
    // by week, so that a seed tells the same futures however they are
    // then stepped. Week-major, as the futures step and are ranked.
    let mut arrived = vec![0.0; weeks * n];
    for r in 0..n {
        for (w, draw) in draws.iter().enumerate() {
            arrived[w * n + r] = draw.sample(&mut rng);
        }
    }
    // Then every future steps a week at a time, all together: a list
    // hangs on its own last week alone, so one week's futures do not wait
    // on each other and the processor overlaps them.
    let mut stocks: Vec<Stock> = (0..n).map(|_| Stock::new(model)).collect();
    let mut waiting = vec![0.0; weeks * n];
    let mut peaks = vec![0.0_f64; n];
    let mut peak_waits = vec![0.0_f64; n];
    for (w, &rate) in rates.iter().enumerate() {
        let week = w * n..(w + 1) * n;
        let futures = stocks
            .iter_mut()
            .zip(&arrived[week.clone()])
            .zip(&mut waiting[week])
            .zip(peaks.iter_mut().zip(&mut peak_waits));
        for (((stock, &arrived), list), (peak, peak_wait)) in futures {
            stock.advance(arrived, rate);
            let now = stock.waiting();
            *list = now;
            *peak = peak.max(now);
            // `wait_days` of the list and the starts, from the rate: a
            // list is left only when the week's starts reached the rate,
            // and with no list the wait is 0.
            let wait = if rate > 0.0 {
                now / rate * 7.0
            } else if now > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            *peak_wait = peak_wait.max(wait);
        }
    }
    let waiting: Vec<Band> = waiting.chunks_mut(n).map(band).collect();
    // Within a week every future has the same rate, and a list is left
    // only when the week's starts reached it: the wait is then the list
    // ÷ that rate, rising with the list (and with no rate, endless for
    // any list at all). So the futures rank the same by wait as by list,
    // and each percentile of the wait is the wait of that percentile's
    // list; ranking them again would find the same.
    let wait_days = waiting
        .iter()
        .zip(&rates)
        .map(|(b, rate)| {
            let wait = |list: Option<f64>| {
                list.and_then(|l| wait_days(l, if l > 0.0 { *rate } else { 0.0 }))
            };
            Band {
                p10: wait(b.p10),
                p50: wait(b.p50),
                p90: wait(b.p90),
            }
        })
        .collect();
    Bands {
        waiting,
        wait_days,
        peak_waiting: band(&mut peaks),
        peak_wait_days: band(&mut peak_waits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(rate: f64) -> ServiceModel {
        ServiceModel {
            service_rate: rate,
            dropout_rate: 0.0,
            waiting_at_start: 0.0,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_bands_and_another_seed_other_ones() {
        let a = replicate(&model(10.0), &[12.0; 20], &[10.0; 20], 200, 7, 42);
        let b = replicate(&model(10.0), &[12.0; 20], &[10.0; 20], 200, 7, 42);
        let c = replicate(&model(10.0), &[12.0; 20], &[10.0; 20], 200, 8, 42);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_band_holds_the_mean_projection_of_a_service_over_capacity() {
        // The mean list after 20 weeks at 12 arrivals and 10 places is 40.
        let bands = replicate(&model(10.0), &[12.0; 20], &[10.0; 20], 400, 1, 1);
        let last = bands.waiting[19];
        let (p10, p50, p90) = (last.p10.unwrap(), last.p50.unwrap(), last.p90.unwrap());
        assert!(p10 <= p50 && p50 <= p90);
        assert!(p10 < 40.0 && 40.0 < p90, "{p10} .. {p90}");
    }

    #[test]
    fn drawn_arrivals_have_the_poisson_mean_and_variance() {
        for mean in [0.5, 3.0, 12.0, 80.0, 900.0] {
            let d = Draw::new(mean);
            let mut rng = ChaCha8Rng::seed_from_u64(5);
            let n = 20_000.0;
            let xs: Vec<f64> = (0..n as usize).map(|_| d.sample(&mut rng)).collect();
            let m = xs.iter().sum::<f64>() / n;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
            // Within 4 standard errors of the mean; variance within 10%.
            assert!(
                (m - mean).abs() < 4.0 * (mean / n).sqrt(),
                "mean {m} for {mean}"
            );
            assert!((v / mean - 1.0).abs() < 0.1, "variance {v} for {mean}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_guide_finds_the_place_a_binary_search_finds(
            mean in 0.01..500.0_f64,
            us in proptest::collection::vec(0.0..1.0_f64, 1..50),
        ) {
            let Draw::Table(table) = Draw::new(mean) else {
                return Err(proptest::test_runner::TestCaseError::fail("no table"));
            };
            let cdf = &table.cdf;
            let edges = cdf.iter().take(5).copied().chain([0.0, 1.0 - f64::EPSILON]);
            for u in us.into_iter().chain(edges) {
                let searched = cdf.partition_point(|c| *c <= u).min(cdf.len() - 1);
                proptest::prop_assert_eq!(table.place(u), searched, "u = {}", u);
            }
        }
    }

    /// The bands told the plain way: each future in turn, week by week,
    /// its list and its wait (as `wait_days` gives it) ranked directly.
    fn told_in_turn(
        model: &ServiceModel,
        arrivals: &[f64],
        rates: &[f64],
        n: usize,
        seed: u64,
    ) -> Bands {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(3);
        let draws: Vec<Draw> = arrivals.iter().map(|m| Draw::new(*m)).collect();
        let futures: Vec<Vec<(f64, f64)>> = (0..n)
            .map(|_| {
                let mut stock = Stock::new(model);
                draws
                    .iter()
                    .zip(rates)
                    .map(|(draw, rate)| {
                        let starts = stock.advance(draw.sample(&mut rng), rate.max(0.0));
                        let wait = wait_days(stock.waiting(), starts).unwrap_or(f64::INFINITY);
                        (stock.waiting(), wait)
                    })
                    .collect()
            })
            .collect();
        let ranked = |of: &dyn Fn(&(f64, f64)) -> f64| -> Vec<Band> {
            (0..arrivals.len())
                .map(|w| band(&mut futures.iter().map(|f| of(&f[w])).collect::<Vec<_>>()))
                .collect()
        };
        let peak = |of: &dyn Fn(&(f64, f64)) -> f64| -> Band {
            band(
                &mut futures
                    .iter()
                    .map(|f| f.iter().map(of).fold(0.0, f64::max))
                    .collect::<Vec<_>>(),
            )
        };
        Bands {
            waiting: ranked(&|x| x.0),
            wait_days: ranked(&|x| x.1),
            peak_waiting: peak(&|x| x.0),
            peak_wait_days: peak(&|x| x.1),
        }
    }

    proptest::proptest! {
        #[test]
        fn the_bands_are_those_of_every_future_told_in_turn(
            weeks in proptest::collection::vec((mean_arrivals(), rate_or_none()), 1..20),
            dropout in 0.0..0.3_f64,
            at_start in 0.0..20.0_f64,
            n in 1..60_usize,
            seed in 0..1000_u64,
        ) {
            let model = ServiceModel {
                service_rate: 10.0,
                dropout_rate: dropout,
                waiting_at_start: at_start,
            };
            let (arrivals, rates): (Vec<f64>, Vec<f64>) = weeks.into_iter().unzip();
            proptest::prop_assert_eq!(
                replicate(&model, &arrivals, &rates, n as u32, seed, 3),
                told_in_turn(&model, &arrivals, &rates, n, seed)
            );
        }
    }

    /// Mean arrivals a week: now and then none, now and then more than
    /// the tables hold.
    fn mean_arrivals() -> impl proptest::strategy::Strategy<Value = f64> {
        proptest::prop_oneof![
            proptest::strategy::Just(0.0),
            0.0..30.0_f64,
            proptest::strategy::Just(TABLE_UP_TO + 100.0),
        ]
    }

    /// A week's rate, now and then none at all.
    fn rate_or_none() -> impl proptest::strategy::Strategy<Value = f64> {
        proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..25.0_f64]
    }

    #[test]
    fn no_arrivals_draw_no_one() {
        let bands = replicate(&model(5.0), &[0.0; 3], &[5.0; 3], 50, 1, 1);
        assert_eq!(bands.peak_waiting.p90, Some(0.0));
    }

    proptest::proptest! {
        #[test]
        fn selection_finds_what_a_full_sort_finds(
            mut values in proptest::collection::vec(
                proptest::prop_oneof![proptest::strategy::Just(0.0), 0.0..100.0_f64],
                1..300,
            )
        ) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let at = |r: usize| sorted[r.clamp(1, n) - 1];
            let b = band(&mut values);
            proptest::prop_assert_eq!(b.p10, Some(at(n.div_ceil(10))));
            proptest::prop_assert_eq!(b.p50, Some(at(n.div_ceil(2))));
            proptest::prop_assert_eq!(b.p90, Some(at((9 * n).div_ceil(10))));
        }
    }

    #[test]
    fn a_band_takes_the_values_at_ranks_ceil_p_n() {
        let b = band(&mut [5.0, 1.0, 4.0, 2.0, 3.0]);
        assert_eq!((b.p10, b.p50, b.p90), (Some(1.0), Some(3.0), Some(5.0)));
        let b = band(&mut (1..=20).map(f64::from).collect::<Vec<_>>());
        assert_eq!((b.p10, b.p50, b.p90), (Some(2.0), Some(10.0), Some(18.0)));
        assert_eq!(band(&mut [f64::INFINITY; 3]).p50, None);
    }
}
