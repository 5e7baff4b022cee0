//! One service's waiting list, week by week, as a stock: people arrive,
//! the service starts as many as its rate allows, some who wait give up,
//! the rest wait on.
//!
//! Each week, in order: drop-outs = drop-out rate × those waiting at the
//! start of the week; waiting + arrivals − drop-outs are ready to start;
//! starts = the lesser of that and the service rate; the rest wait into the
//! next week. So waiting(t+1) = max(0, waiting(t) + arrivals − service
//! rate − drop-outs), as DESIGN.md defines it, and no one is lost:
//! waiting at the start + arrivals = starts + drop-outs + waiting at the
//! end. The projected wait is Little's law, waiting list ÷ throughput.

/// What the service does with the people who reach it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceModel {
    /// People it can start a week: its places per week, or its caseload ÷
    /// the mean length of an episode in weeks.
    pub service_rate: f64,
    /// The share of those waiting who give up each week (from history).
    pub dropout_rate: f64,
    /// Waiting at the start of week 0.
    pub waiting_at_start: f64,
}

/// One projected week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Week {
    pub arrivals: f64,
    pub starts: f64,
    pub dropouts: f64,
    /// Waiting at the end of the week.
    pub waiting: f64,
    /// Arrivals ÷ service rate; None when the rate is 0 (then any arrival
    /// is over capacity, never an infinity).
    pub utilisation: Option<f64>,
    pub over_capacity: bool,
    /// Little's law: the waiting list ÷ the week's starts, in days. None
    /// when people wait and nobody starts: the wait has no end.
    pub wait_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub weeks: Vec<Week>,
    /// The first week (from 0) over 100% utilisation.
    pub first_week_over: Option<usize>,
    pub weeks_over: usize,
    pub peak_waiting: f64,
}

/// Projects `model` over one week per item of `arrivals`.
pub fn project(model: &ServiceModel, arrivals: &[f64]) -> Projection {
    project_with_rates(model, arrivals, |_| model.service_rate)
}

/// Projects `model` with the service rate of each week given by `rate`
/// (a change of capacity part way through).
pub fn project_with_rates(
    model: &ServiceModel,
    arrivals: &[f64],
    rate: impl Fn(usize) -> f64,
) -> Projection {
    let mut stock = Stock::new(model);
    Projection::of(
        arrivals
            .iter()
            .enumerate()
            .map(|(i, &a)| stock.step(a, rate(i)))
            .collect(),
    )
}

impl Projection {
    /// The summary of projected `weeks`.
    pub fn of(weeks: Vec<Week>) -> Self {
        Projection {
            first_week_over: weeks.iter().position(|w| w.over_capacity),
            weeks_over: weeks.iter().filter(|w| w.over_capacity).count(),
            peak_waiting: weeks.iter().map(|w| w.waiting).fold(0.0, f64::max),
            weeks,
        }
    }

    /// The longest projected wait, in days; None when some week's wait has
    /// no end.
    pub fn peak_wait_days(&self) -> Option<f64> {
        self.weeks
            .iter()
            .try_fold(0.0_f64, |peak, w| w.wait_days.map(|d| peak.max(d)))
    }
}

/// The waiting list carried from week to week.
#[derive(Debug, Clone, Copy)]
pub struct Stock {
    waiting: f64,
    dropout_rate: f64,
}

impl Stock {
    pub fn new(model: &ServiceModel) -> Self {
        Self {
            waiting: model.waiting_at_start.max(0.0),
            dropout_rate: model.dropout_rate.clamp(0.0, 1.0),
        }
    }

    /// Waiting now.
    pub fn waiting(&self) -> f64 {
        self.waiting
    }

    /// One week: `arrived` people reach a service that can start `rate`.
    pub fn step(&mut self, arrived: f64, rate: f64) -> Week {
        let rate = rate.max(0.0);
        let arrived = arrived.max(0.0);
        let dropouts = self.waiting * self.dropout_rate;
        let starts = self.advance(arrived, rate);
        let waiting = self.waiting;
        Week {
            arrivals: arrived,
            starts,
            dropouts,
            waiting,
            utilisation: (rate > 0.0).then(|| arrived / rate),
            over_capacity: arrived > rate,
            wait_days: wait_days(waiting, starts),
        }
    }

    /// The stock's own arithmetic, for a week of `arrived` people at a
    /// service that can start `rate` (both at least 0): the drop-outs
    /// leave, the rest and the arrivals are ready, up to `rate` start.
    /// Returns the starts; `waiting` is then what is left.
    #[inline]
    pub fn advance(&mut self, arrived: f64, rate: f64) -> f64 {
        let ready = self.waiting - self.waiting * self.dropout_rate + arrived;
        let starts = ready.min(rate);
        self.waiting = ready - starts;
        starts
    }
}

/// Little's law: those waiting ÷ those started a week, in days; 0 with
/// nobody waiting, None when people wait and nobody starts.
pub fn wait_days(waiting: f64, starts: f64) -> Option<f64> {
    if waiting <= 0.0 {
        Some(0.0)
    } else if starts > 0.0 {
        Some(waiting / starts * 7.0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn service(rate: f64) -> ServiceModel {
        ServiceModel {
            service_rate: rate,
            dropout_rate: 0.0,
            waiting_at_start: 0.0,
        }
    }

    /// The worked example: 10 places a week, 12 arrivals a week. Each week
    /// 10 start and 2 more wait, so after week t (from 0) 2(t+1) wait; the
    /// service starts 10 a week, so by Little's law they wait 2(t+1) ÷ 10
    /// weeks: 1.4, 2.8, 4.2 … days. Utilisation is 12 ÷ 10 = 120% from the
    /// first week.
    #[test]
    fn twelve_arrivals_at_ten_places_grow_the_list_by_two_a_week() {
        let p = project(&service(10.0), &[12.0; 4]);
        let waiting: Vec<f64> = p.weeks.iter().map(|w| w.waiting).collect();
        assert_eq!(waiting, [2.0, 4.0, 6.0, 8.0]);
        let waits: Vec<f64> = p.weeks.iter().map(|w| w.wait_days.unwrap()).collect();
        for (got, want) in waits.iter().zip([1.4, 2.8, 4.2, 5.6]) {
            assert!((got - want).abs() < 1e-9, "{got} ≠ {want}");
        }
        assert!(p.weeks.iter().all(|w| w.starts == 10.0));
        assert_eq!(p.weeks[0].utilisation, Some(1.2));
        assert_eq!((p.first_week_over, p.weeks_over), (Some(0), 4));
        assert_eq!(p.peak_waiting, 8.0);
    }

    #[test]
    fn a_list_drains_when_arrivals_fall_below_the_rate() {
        let model = ServiceModel {
            waiting_at_start: 9.0,
            ..service(10.0)
        };
        let p = project(&model, &[6.0, 6.0, 6.0]);
        let waiting: Vec<f64> = p.weeks.iter().map(|w| w.waiting).collect();
        assert_eq!(waiting, [5.0, 1.0, 0.0]);
        assert_eq!(p.weeks[2].starts, 7.0);
        assert_eq!(p.first_week_over, None);
    }

    #[test]
    fn those_who_wait_give_up_at_the_drop_out_rate() {
        let model = ServiceModel {
            service_rate: 0.0,
            dropout_rate: 0.5,
            waiting_at_start: 8.0,
        };
        let p = project(&model, &[0.0, 0.0]);
        assert_eq!(p.weeks[0].dropouts, 4.0);
        assert_eq!(p.weeks[1].waiting, 2.0);
        assert_eq!(
            p.weeks[0].wait_days, None,
            "nobody starts: no end to the wait"
        );
    }

    #[test]
    fn a_closed_service_with_arrivals_is_over_capacity_not_infinite() {
        let p = project(&service(0.0), &[3.0]);
        assert_eq!(p.weeks[0].utilisation, None);
        assert!(p.weeks[0].over_capacity);
        assert_eq!(p.first_week_over, Some(0));
    }

    fn week_arrivals() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(0.0..40.0_f64, 1..60)
    }

    proptest! {
        #[test]
        fn nobody_is_lost_or_made_up(
            arrivals in week_arrivals(),
            rate in 0.0..30.0_f64,
            dropout in 0.0..0.5_f64,
            start in 0.0..50.0_f64,
        ) {
            let model = ServiceModel { service_rate: rate, dropout_rate: dropout, waiting_at_start: start };
            let p = project(&model, &arrivals);
            let came: f64 = start + arrivals.iter().sum::<f64>();
            let went: f64 = p.weeks.iter().map(|w| w.starts + w.dropouts).sum::<f64>()
                + p.weeks.last().map_or(start, |w| w.waiting);
            prop_assert!((came - went).abs() < 1e-6 * came.max(1.0));
            prop_assert!(p.weeks.iter().all(|w| w.waiting >= 0.0 && w.starts <= rate + 1e-9));
        }

        #[test]
        fn more_demand_never_shortens_the_list(
            arrivals in week_arrivals(),
            extra in prop::collection::vec(0.0..10.0_f64, 60),
            rate in 0.0..30.0_f64,
            dropout in 0.0..0.5_f64,
        ) {
            let model = ServiceModel { service_rate: rate, dropout_rate: dropout, waiting_at_start: 0.0 };
            let more: Vec<f64> = arrivals.iter().zip(&extra).map(|(a, e)| a + e).collect();
            let (base, busier) = (project(&model, &arrivals), project(&model, &more));
            for (b, m) in base.weeks.iter().zip(&busier.weeks) {
                prop_assert!(m.waiting >= b.waiting - 1e-9);
                prop_assert!(m.arrivals >= b.arrivals);
            }
        }

        #[test]
        fn demand_within_capacity_is_served_as_it_comes(
            arrivals in prop::collection::vec(0.0..10.0_f64, 1..60),
            headroom in 0.0..5.0_f64,
        ) {
            let p = project(&service(10.0 + headroom), &arrivals);
            for (w, a) in p.weeks.iter().zip(&arrivals) {
                prop_assert_eq!(w.starts, *a);
                prop_assert_eq!(w.waiting, 0.0);
            }
            prop_assert_eq!(p.first_week_over, None);
        }
    }
}
