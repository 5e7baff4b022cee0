//! Deterministic synthetic data: a borough with wards, PCNs, organisations,
//! services and a year of referrals. Same seed and date, same data.
pub async fn placeholder() {}
