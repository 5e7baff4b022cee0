//! Disclosure control: every figure a researcher sees passes through here.
//!
//! The primary rule follows NHS England's for its published statistics
//! and OpenSAFELY's (sources in README, *Researchers*): a count of people
//! from 1 to 7 is suppressed and shown as suppressed (never as zero); zero
//! stays zero; every other count of people is rounded to the nearest 5; a
//! mean, median or percentile over 1 to 7 people is suppressed; figures
//! that do not count people (places, services, money) are shown as they
//! are. NHS England shows national figures exactly; here a figure for the
//! whole of the data is protected like any other. An exact total is the
//! other side of every differencing pair (three suppressed cells under a
//! total of exactly 3 are each 1), and on a deployment that holds one
//! borough "the whole of the data" is that borough.
//!
//! Secondary suppression goes further, so that no suppressed count can be
//! worked out from the totals an attacker can also ask for. An answer is a
//! table over up to three dimensions; a *line* is the cells that differ in
//! one dimension only, within that dimension's parent (the wards of one
//! local authority, the months of one quarter), whose total is a figure
//! of its own (the authority's, the quarter's) in another answer. A line
//! with exactly one suppressed cell would give it away by subtraction, so
//! the smallest other cell of that line is suppressed too, and so on
//! until no line has exactly one. A line whose total is 7 or less needs
//! none: that total is itself suppressed wherever it is shown. Differencing
//! two answers that differ by one filter value comes to the same thing,
//! since a filtered answer is a slice of the unfiltered one; rounding every
//! shown count to 5 keeps sums and differences of shown cells from pinning
//! a suppressed one exactly.

use std::collections::HashMap;

/// Counts of people from 1 to this are suppressed.
pub const LARGEST_SUPPRESSED: i64 = 7;
/// Other counts of people are rounded to a multiple of this.
pub const ROUND_TO: i64 = 5;

/// The rules, in words, as the catalogue gives them.
pub const RULES: &[&str] = &[
    "A count of people from 1 to 7 is suppressed and shown as suppressed, never as zero; zero stays zero. This holds for the whole of the data too (stricter than NHS England, which shows national figures exactly): an exact total would give away the suppressed cells under it.",
    "Every other count of people is rounded to the nearest 5, the whole of the data included.",
    "A median or percentile over 1 to 7 people is suppressed.",
    "Figures that do not count people (places, services, money) are not rounded.",
    "A ratio over people (utilisation) is worked out from its counts of people as shown, after rounding, and is suppressed where they are.",
    "Secondary suppression: in every row and column of an answer (the wards of one local authority, the months of one quarter), a lone suppressed figure takes the smallest other figure with it, so that no suppressed figure can be worked out from a total another answer gives.",
    "Filters list values of a dimension, so a filtered answer is a slice of the unfiltered one; rounding every shown count keeps differences between answers from pinning a suppressed figure.",
];

/// What a figure counts, which decides the rule it falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Rule {
    /// A count of people: suppressed from 1 to 7, otherwise rounded to 5.
    CountOfPeople,
    /// A mean, median or percentile over people: suppressed over 1 to 7.
    StatisticOfPeople,
    /// Not a count of people (places, services, money): as it is.
    NotPeople,
    /// A ratio whose numerator counts people (utilisation): worked out
    /// from that count as shown, suppressed with it.
    RatioOfPeople,
}

/// A figure as a researcher sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Value(f64),
    /// Nothing to show: a statistic over nobody.
    Empty,
    /// Suppressed by the primary rule (a small count), or to protect
    /// another suppressed figure (`secondary`).
    Suppressed {
        secondary: bool,
    },
}

impl Shown {
    pub fn is_suppressed(&self) -> bool {
        matches!(self, Shown::Suppressed { .. })
    }
}

/// A count of people `n`, by the primary rule.
pub fn count(n: i64) -> Shown {
    if n == 0 {
        Shown::Value(n as f64)
    } else if n <= LARGEST_SUPPRESSED {
        Shown::Suppressed { secondary: false }
    } else {
        Shown::Value(round_to_five(n) as f64)
    }
}

/// The nearest multiple of 5 (a whole count is never halfway between two).
pub fn round_to_five(n: i64) -> i64 {
    let r = n.rem_euclid(ROUND_TO);
    if r * 2 < ROUND_TO {
        n - r
    } else {
        n - r + ROUND_TO
    }
}

/// A statistic `value` over `people`, by the primary rule.
pub fn statistic(value: Option<f64>, people: i64) -> Shown {
    match value {
        None => Shown::Empty,
        Some(_) if people == 0 => Shown::Empty,
        Some(_) if people <= LARGEST_SUPPRESSED => Shown::Suppressed { secondary: false },
        Some(v) => Shown::Value(v),
    }
}

/// One coordinate of a cell: its value in a dimension, and the parent
/// that value sits in (a ward's local authority, a month's quarter), whose
/// total another answer can give.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coordinate {
    pub value: String,
    pub within: Option<String>,
}

impl Coordinate {
    pub fn new(value: impl Into<String>, within: Option<String>) -> Self {
        Coordinate {
            value: value.into(),
            within,
        }
    }
}

/// The counts of one measure over the cells of an answer (`cells[i]` the
/// coordinates of `counts[i]`, one per dimension), after the primary rule
/// and secondary suppression. Afterwards a line whose total is over 7
/// holds no suppressed cell, or two or more, or one suppressed only to
/// protect another with nothing else in its line to hide behind (its
/// count is then that line's total, which is shown rounded anyway).
pub fn protect_counts(cells: &[Vec<Coordinate>], counts: &[i64]) -> Vec<Shown> {
    let mut shown: Vec<Shown> = counts.iter().map(|&n| count(n)).collect();
    let dimensions = cells.first().map_or(0, Vec::len);
    loop {
        let mut changed = false;
        for d in 0..dimensions {
            for line in lines(cells, d) {
                let suppressed = line.iter().filter(|&&i| shown[i].is_suppressed()).count();
                if suppressed != 1 {
                    continue;
                }
                // A line whose total is itself small gives nothing away:
                // that total is suppressed wherever it is shown.
                let total: i64 = line.iter().map(|&i| counts[i]).sum();
                if total <= LARGEST_SUPPRESSED {
                    continue;
                }
                let next = line
                    .iter()
                    .copied()
                    .filter(|&i| !shown[i].is_suppressed() && counts[i] > 0)
                    .min_by(|&a, &b| {
                        counts[a].cmp(&counts[b]).then_with(|| {
                            cells[a]
                                .iter()
                                .map(|c| &c.value)
                                .cmp(cells[b].iter().map(|c| &c.value))
                        })
                    });
                if let Some(i) = next {
                    shown[i] = Shown::Suppressed { secondary: true };
                    changed = true;
                }
            }
        }
        if !changed {
            return shown;
        }
    }
}

/// The lines along dimension `d`: cells alike in every other coordinate
/// and in the parent of their `d` coordinate, as index lists.
fn lines(cells: &[Vec<Coordinate>], d: usize) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<Vec<&str>, Vec<usize>> = HashMap::new();
    for (i, cell) in cells.iter().enumerate() {
        let mut key: Vec<&str> = Vec::with_capacity(cell.len() + 1);
        for (j, c) in cell.iter().enumerate() {
            if j == d {
                key.push(c.within.as_deref().unwrap_or(""));
            } else {
                key.push(&c.value);
            }
        }
        by_key.entry(key).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = by_key.into_values().collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cell(values: &[(&str, Option<&str>)]) -> Vec<Coordinate> {
        values
            .iter()
            .map(|(v, w)| Coordinate::new(*v, w.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn small_counts_are_suppressed_zero_stays_zero_and_the_rest_round_to_five() {
        assert_eq!(count(0), Shown::Value(0.0));
        for n in 1..=7 {
            assert!(count(n).is_suppressed(), "{n}");
        }
        assert_eq!(count(8), Shown::Value(10.0));
        assert_eq!(count(12), Shown::Value(10.0));
        assert_eq!(count(13), Shown::Value(15.0));
        assert_eq!(count(1_002), Shown::Value(1_000.0));
    }

    #[test]
    fn a_statistic_over_one_to_seven_people_is_suppressed() {
        assert_eq!(statistic(None, 0), Shown::Empty);
        assert!(statistic(Some(14.0), 7).is_suppressed());
        assert_eq!(statistic(Some(14.0), 8), Shown::Value(14.0));
    }

    #[test]
    fn rounding_goes_to_the_nearest_multiple_of_five() {
        for (n, r) in [
            (8, 10),
            (9, 10),
            (10, 10),
            (11, 10),
            (12, 10),
            (13, 15),
            (14, 15),
            (17, 15),
            (18, 20),
        ] {
            assert_eq!(round_to_five(n), r, "{n}");
        }
    }

    #[test]
    fn a_lone_suppressed_cell_takes_the_smallest_of_its_line_with_it() {
        // One ward × need line: 3 (suppressed), 20, 12, 40. The total is
        // shown elsewhere, so 12 goes too.
        let cells = vec![
            cell(&[("w1", Some("la")), ("dementia", None)]),
            cell(&[("w2", Some("la")), ("dementia", None)]),
            cell(&[("w3", Some("la")), ("dementia", None)]),
            cell(&[("w4", Some("la")), ("dementia", None)]),
        ];
        let shown = protect_counts(&cells, &[3, 20, 12, 40]);
        assert_eq!(shown[0], Shown::Suppressed { secondary: false });
        assert_eq!(shown[2], Shown::Suppressed { secondary: true });
        assert_eq!(shown[1], Shown::Value(20.0));
        assert_eq!(shown[3], Shown::Value(40.0));
    }

    #[test]
    fn wards_are_protected_within_their_own_authority() {
        // One suppressed ward in each of two authorities: two in the whole
        // line, but each authority's total would give its one away.
        let cells = vec![
            cell(&[("a1", Some("la1"))]),
            cell(&[("a2", Some("la1"))]),
            cell(&[("b1", Some("la2"))]),
            cell(&[("b2", Some("la2"))]),
        ];
        let shown = protect_counts(&cells, &[2, 30, 5, 50]);
        assert!(shown.iter().all(Shown::is_suppressed), "{shown:?}");
    }

    #[test]
    fn a_line_whose_total_is_small_needs_no_second_suppression() {
        let cells = vec![cell(&[("w1", None)]), cell(&[("w2", None)])];
        let shown = protect_counts(&cells, &[3, 0]);
        assert_eq!(
            shown,
            vec![Shown::Suppressed { secondary: false }, Shown::Value(0.0)]
        );
    }

    /// Cells of a rows × columns table with counts drawn small and large.
    fn table() -> impl Strategy<Value = (usize, usize, Vec<i64>)> {
        (1usize..6, 1usize..6).prop_flat_map(|(r, c)| {
            (
                Just(r),
                Just(c),
                proptest::collection::vec(prop_oneof![Just(0i64), 1i64..8, 8i64..60], r * c),
            )
        })
    }

    proptest! {
        #[test]
        fn no_line_of_a_protected_table_holds_exactly_one_suppressed_cell((rows, columns, counts) in table()) {
            let cells: Vec<Vec<Coordinate>> = (0..rows * columns)
                .map(|i| vec![
                    Coordinate::new(format!("r{}", i / columns), None),
                    Coordinate::new(format!("c{}", i % columns), None),
                ])
                .collect();
            let shown = protect_counts(&cells, &counts);
            let lines: Vec<Vec<usize>> = (0..rows)
                .map(|r| (0..columns).map(|c| r * columns + c).collect())
                .chain((0..columns).map(|c| (0..rows).map(|r| r * columns + c).collect()))
                .collect();
            for line in lines {
                let suppressed: Vec<usize> = line.iter().copied().filter(|&i| shown[i].is_suppressed()).collect();
                let total: i64 = line.iter().map(|&i| counts[i]).sum();
                if suppressed.len() == 1 && total > LARGEST_SUPPRESSED {
                    // Only a cell suppressed to protect another, alone
                    // in a line with nothing else to hide it behind: its
                    // count is the line's total, shown rounded anyway.
                    let lone = suppressed[0];
                    prop_assert_eq!(shown[lone], Shown::Suppressed { secondary: true });
                    prop_assert!(line.iter().all(|&i| i == lone || counts[i] == 0), "{line:?} {counts:?} {shown:?}");
                }
            }
            for (i, s) in shown.iter().enumerate() {
                match s {
                    Shown::Value(v) => {
                        prop_assert!(counts[i] == 0 || counts[i] > LARGEST_SUPPRESSED);
                        prop_assert_eq!(*v as i64 % ROUND_TO, 0);
                        prop_assert!((*v as i64 - counts[i]).abs() <= 2);
                    }
                    Shown::Suppressed { secondary: false } => prop_assert!((1..=LARGEST_SUPPRESSED).contains(&counts[i])),
                    Shown::Suppressed { secondary: true } => prop_assert!(counts[i] > 0),
                    Shown::Empty => prop_assert!(false, "a count is never empty"),
                }
            }
        }
    }
}
