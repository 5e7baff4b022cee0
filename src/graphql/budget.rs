//! What one operation may spend while it runs: bytes of answer and time.
//! Complexity bounds a query before it runs, but a list can hold more than
//! its estimate and text can be long; so every value adds its size to the
//! budget as it is resolved, and once the answer passes its limit, or the
//! deadline passes, no further field resolves. The partial answer is then
//! thrown away and the operation refused with a code: a large answer is
//! never built in full, and a slow one stops working when it times out
//! instead of running on behind the timeout.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerError, ServerResult, Value};

use crate::error::AppError;

const WITHIN: u8 = 0;
const TOO_LARGE: u8 = 1;
const TIMED_OUT: u8 = 2;

/// One operation's budget; put in its request data.
pub struct Budget {
    max_bytes: usize,
    started: Instant,
    timeout: Duration,
    used: AtomicUsize,
    state: AtomicU8,
}

impl Budget {
    pub fn new(max_bytes: usize, timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            max_bytes,
            started: Instant::now(),
            timeout,
            used: AtomicUsize::new(0),
            state: AtomicU8::new(WITHIN),
        })
    }

    /// Why the operation was stopped, if it was.
    pub fn overrun(&self) -> Option<AppError> {
        match self.state.load(Ordering::Acquire) {
            TOO_LARGE => Some(AppError::ResponseTooLarge(self.max_bytes)),
            TIMED_OUT => Some(AppError::Timeout(self.timeout.as_secs())),
            _ => None,
        }
    }

    /// Bytes of answer so far (an estimate of its JSON).
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn check(&self) -> ServerResult<()> {
        if self.state.load(Ordering::Acquire) == WITHIN && self.started.elapsed() > self.timeout {
            self.stop(TIMED_OUT);
        }
        match self.overrun() {
            Some(e) => Err(ServerError::new(e.to_string(), None)),
            None => Ok(()),
        }
    }

    fn spend(&self, bytes: usize) -> ServerResult<()> {
        let used = self.used.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if used > self.max_bytes {
            self.stop(TOO_LARGE);
        }
        self.check()
    }

    fn stop(&self, why: u8) {
        let _ = self
            .state
            .compare_exchange(WITHIN, why, Ordering::AcqRel, Ordering::Acquire);
    }
}

/// Bytes a resolved value adds to the JSON answer, not counting objects
/// (each of their fields is counted when it resolves).
fn leaf_bytes(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Boolean(_) => 5,
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => s.len() + 2,
        Value::Enum(e) => e.len() + 2,
        Value::Binary(b) => b.len() * 4 / 3 + 2,
        Value::List(items) => 2 + items.iter().map(|v| leaf_bytes(v) + 1).sum::<usize>(),
        Value::Object(_) => 2,
    }
}

/// Enforces the request's `Budget` on every field.
pub struct Enforce;

impl ExtensionFactory for Enforce {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Enforce)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Enforce {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let Some(budget) = ctx.data_opt::<Arc<Budget>>().cloned() else {
            return next.run(ctx, info).await;
        };
        budget.check()?;
        let name = info.alias.unwrap_or(info.name).len() + 4;
        let value = next.run(ctx, info).await?;
        budget.spend(name + value.as_ref().map_or(4, leaf_bytes))?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_past_its_size_is_stopped_and_says_why() {
        let budget = Budget::new(100, Duration::from_secs(30));
        assert!(budget.spend(60).is_ok());
        assert!(budget.spend(60).is_err());
        assert_eq!(budget.overrun().unwrap().code(), "RESPONSE_TOO_LARGE");
        assert!(budget.check().is_err(), "nothing resolves once stopped");
    }

    #[test]
    fn a_budget_past_its_deadline_stops_with_timeout() {
        let budget = Budget::new(100, Duration::ZERO);
        std::thread::sleep(Duration::from_millis(2));
        assert!(budget.check().is_err());
        assert_eq!(budget.overrun().unwrap().code(), "TIMEOUT");
    }

    #[test]
    fn a_leaf_counts_about_its_json_length() {
        assert_eq!(leaf_bytes(&Value::String("abc".into())), 5);
        let list = Value::List(vec![Value::Boolean(true), Value::Null]);
        assert_eq!(leaf_bytes(&list), 2 + 6 + 5);
    }
}
