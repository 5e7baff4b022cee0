//! How far to trust a projection: the model is fed the demand that really
//! arrived after a past baseline, and its projection of each service's
//! arrivals, waiting list and utilisation is set against what happened.

/// Errors of a projection against what happened.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Errors {
    /// Mean over weeks of |projected − actual|.
    pub mean_absolute: f64,
    /// Σ|projected − actual| ÷ Σ actual: the weighted absolute percentage
    /// error, as a share; None when nothing happened.
    pub weighted_share: Option<f64>,
    /// Mean of projected − actual: above 0 the model projects too much.
    pub bias: f64,
    pub points: usize,
}

/// Running sums to build `Errors` from, over any number of series.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    absolute: f64,
    signed: f64,
    actual: f64,
    points: usize,
}

impl Tally {
    /// Adds the weeks where both a projection and an actual figure exist.
    pub fn add(&mut self, projected: &[Option<f64>], actual: &[Option<f64>]) {
        for (p, a) in projected.iter().zip(actual) {
            if let (Some(p), Some(a)) = (p, a) {
                self.absolute += (p - a).abs();
                self.signed += p - a;
                self.actual += a.abs();
                self.points += 1;
            }
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.absolute += other.absolute;
        self.signed += other.signed;
        self.actual += other.actual;
        self.points += other.points;
    }

    pub fn errors(&self) -> Errors {
        let n = self.points.max(1) as f64;
        Errors {
            mean_absolute: self.absolute / n,
            weighted_share: (self.actual > 0.0).then(|| self.absolute / self.actual),
            bias: self.signed / n,
            points: self.points,
        }
    }
}

/// One service's errors.
pub fn errors(projected: &[Option<f64>], actual: &[Option<f64>]) -> (Tally, Errors) {
    let mut t = Tally::default();
    t.add(projected, actual);
    (t, t.errors())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_mean_absolute_weighted_and_signed() {
        let p = [Some(12.0), Some(8.0), Some(10.0)];
        let a = [Some(10.0), Some(10.0), Some(10.0)];
        let (_, e) = errors(&p, &a);
        assert!((e.mean_absolute - 4.0 / 3.0).abs() < 1e-12);
        assert!((e.weighted_share.unwrap() - 4.0 / 30.0).abs() < 1e-12);
        assert_eq!(e.bias, 0.0);
        assert_eq!(e.points, 3);
    }

    #[test]
    fn weeks_without_a_figure_on_either_side_are_left_out() {
        let (_, e) = errors(&[Some(1.0), None], &[None, Some(3.0)]);
        assert_eq!(e.points, 0);
        assert_eq!(e.weighted_share, None);
    }

    #[test]
    fn tallies_merge_as_if_counted_together() {
        let (mut a, _) = errors(&[Some(2.0)], &[Some(1.0)]);
        let (b, _) = errors(&[Some(0.0)], &[Some(3.0)]);
        a.merge(&b);
        let e = a.errors();
        assert_eq!(e.mean_absolute, 2.0);
        assert_eq!(e.bias, -1.0);
        assert_eq!(e.weighted_share, Some(1.0));
    }
}
