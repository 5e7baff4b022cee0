//! Per-key admission, before any work: a token bucket of requests per
//! minute and a cap on requests in flight, both set per role. With the cap
//! on connections per request, one key holds at most (requests in flight ×
//! connections per request) of the pool, so it cannot starve another key.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::PerRole;
use crate::domain::access::Principal;
use crate::domain::codes::Role;
use crate::error::{AppError, AppResult};

/// How long a request waits for one of its key's places in flight.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

pub struct Admission {
    buckets: HashMap<Role, DefaultKeyedRateLimiter<i64>>,
    concurrent: PerRole,
    in_flight: Mutex<HashMap<i64, Arc<Semaphore>>>,
    queue_wait: Duration,
}

/// A bucket holds a tenth of a minute's tokens (at least 5, at most the
/// minute's), so a page that fires a few queries at once is not refused.
fn quota(per_minute: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = (per_minute.get() / 10).max(per_minute.get().min(5));
    Quota::per_minute(per_minute).allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

impl Admission {
    pub fn new(per_minute: &PerRole, concurrent: &PerRole) -> Self {
        let buckets = Role::ALL
            .iter()
            .map(|&role| (role, RateLimiter::keyed(quota(per_minute.get(role)))))
            .collect();
        Self {
            buckets,
            concurrent: concurrent.clone(),
            in_flight: Mutex::new(HashMap::new()),
            queue_wait: QUEUE_WAIT,
        }
    }

    /// Takes one of the key's tokens, or says how long until the next.
    pub fn take_token(&self, p: &Principal) -> AppResult<()> {
        let Some(bucket) = self.buckets.get(&p.role) else {
            return Ok(());
        };
        bucket.check_key(&p.key_id).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::RateLimited {
                retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            }
        })
    }

    /// A place among the key's requests in flight, held until dropped. A
    /// request past the key's places waits for one (a page that fires its
    /// queries at once is served in turn), up to `QUEUE_WAIT`.
    pub async fn enter(&self, p: &Principal) -> AppResult<OwnedSemaphorePermit> {
        let places = {
            let mut in_flight = self
                .in_flight
                .lock()
                .map_err(|_| AppError::Internal("the admission table was poisoned".into()))?;
            in_flight
                .entry(p.key_id)
                .or_insert_with(|| Arc::new(Semaphore::new(self.concurrent.get(p.role) as usize)))
                .clone()
        };
        match tokio::time::timeout(self.queue_wait, places.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError::RateLimited {
                retry_after_secs: 1,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: i64, role: Role) -> Principal {
        Principal {
            key_id: id,
            role,
            organisation_id: None,
            gateway_id: None,
        }
    }

    #[test]
    fn a_key_past_its_bucket_is_told_when_to_retry() {
        let admission = Admission::new(&PerRole::all(1), &PerRole::all(2));
        let k = key(1, Role::Provider);
        assert!(admission.take_token(&k).is_ok());
        match admission.take_token(&k) {
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("expected RATE_LIMITED, got {other:?}"),
        }
    }

    #[test]
    fn one_key_spending_its_bucket_leaves_another_keys_alone() {
        let admission = Admission::new(&PerRole::all(1), &PerRole::all(2));
        assert!(admission.take_token(&key(1, Role::Provider)).is_ok());
        assert!(admission.take_token(&key(1, Role::Provider)).is_err());
        assert!(admission.take_token(&key(2, Role::Provider)).is_ok());
    }

    #[tokio::test]
    async fn a_key_may_have_only_so_many_requests_in_flight() {
        let admission = Admission {
            queue_wait: Duration::from_millis(50),
            ..Admission::new(&PerRole::all(600), &PerRole::all(2))
        };
        let k = key(1, Role::Commissioner);
        let first = admission.enter(&k).await.unwrap();
        let _second = admission.enter(&k).await.unwrap();
        assert_eq!(
            admission.enter(&k).await.unwrap_err().code(),
            "RATE_LIMITED"
        );
        assert!(admission.enter(&key(2, Role::Commissioner)).await.is_ok());
        drop(first);
        assert!(admission.enter(&k).await.is_ok());
    }

    #[test]
    fn a_bucket_holds_a_tenth_of_a_minute_but_never_fewer_than_five() {
        assert_eq!(quota(600).burst_size().get(), 60);
        assert_eq!(quota(20).burst_size().get(), 5);
        assert_eq!(quota(1).burst_size().get(), 1);
    }
}
