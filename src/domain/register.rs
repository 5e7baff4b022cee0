//! The unmet-needs risk register: ratings of likelihood and impact.

use super::Invalid;

/// A rating from 1 to 5.
pub fn rating(field: &str, value: i32) -> Result<i32, Invalid> {
    if (1..=5).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            field,
            format!("must be from 1 to 5; got {value}"),
        ))
    }
}

/// Likelihood × impact, from 1 to 25.
pub fn risk_score(likelihood: i32, impact: i32) -> i32 {
    likelihood * impact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_outside_one_to_five_are_refused() {
        assert!(rating("impact", 0).is_err());
        assert!(rating("impact", 6).is_err());
        assert_eq!(rating("impact", 5).unwrap(), 5);
    }

    #[test]
    fn the_score_is_likelihood_times_impact() {
        assert_eq!(risk_score(4, 5), 20);
    }
}
