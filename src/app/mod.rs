//! Use cases: what a request does, orchestrated between the store and the
//! domain. A use case takes domain values (the resolver that calls it has
//! parsed them), reads and writes through `store`, asks `domain` for the
//! rules and the arithmetic, and returns domain values or store rows. It
//! knows nothing of GraphQL or HTTP, so it runs the same from any caller.

pub mod analytics;
pub mod backtest;
pub mod funding;
pub mod referrals;
pub mod scenario_run;
pub mod scenarios;
pub mod search;

use chrono::NaiveDate;

use crate::domain::access::{Principal, ReferralScope};
use crate::error::{AppError, AppResult};
use crate::store::Store;

/// What a use case may reach: the request's store (with its lanes), who is
/// asking, the day it is, and the settings use cases read.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub store: &'a Store,
    pub principal: &'a Principal,
    pub today: NaiveDate,
    /// Days after which a service's status counts as stale.
    pub stale_after_days: i64,
}

impl Context<'_> {
    /// Which referrals the caller may see; FORBIDDEN for roles that see
    /// aggregates only.
    pub fn referral_scope(&self) -> AppResult<ReferralScope> {
        referral_scope(self.principal)
    }
}

/// Which referrals `p` may see; FORBIDDEN for roles that see aggregates
/// only.
pub fn referral_scope(p: &Principal) -> AppResult<ReferralScope> {
    p.referral_scope().ok_or_else(|| {
        AppError::Forbidden(format!(
            "a {} key sees aggregates, not individual referrals",
            p.role
        ))
    })
}
