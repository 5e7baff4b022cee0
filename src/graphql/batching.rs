//! Running DataLoader batches in step with query execution, so that batching
//! depends on the query's shape, never on timing.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures_util::future::BoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::StreamExt;

/// Drives `execution` and the DataLoader's batch tasks in one task, and
/// lets a batch run only while the execution is idle: waiting on loaders,
/// not merely pausing. Resolvers of a list are polled a few dozen at a time
/// (the execution wakes itself between rounds); a batch that ran between
/// rounds would hold only some of the list's keys. Gated like this, each
/// level of a query costs one statement per kind of child, whatever the size
/// of the page.
pub async fn with_batches<F: Future>(
    execution: F,
    mut spawned: tokio::sync::mpsc::UnboundedReceiver<BoxFuture<'static, ()>>,
) -> F::Output {
    let mut batches = FuturesUnordered::new();
    let mut execution = std::pin::pin!(execution);
    std::future::poll_fn(move |cx| loop {
        let woken = Arc::new(WokenFlag::new(cx.waker().clone()));
        let waker = Waker::from(woken.clone());
        if let Poll::Ready(output) = execution.as_mut().poll(&mut Context::from_waker(&waker)) {
            return Poll::Ready(output);
        }
        while let Poll::Ready(Some(batch)) = spawned.poll_recv(cx) {
            batches.push(batch);
        }
        if woken.get() {
            // The execution paused with more to do: let it finish the round.
            return Poll::Pending;
        }
        match batches.poll_next_unpin(cx) {
            Poll::Ready(Some(())) => continue,
            Poll::Ready(None) | Poll::Pending => return Poll::Pending,
        }
    })
    .await
}

/// A waker that remembers whether it was woken, passing the wake on.
struct WokenFlag {
    woken: AtomicBool,
    inner: Waker,
}

impl WokenFlag {
    fn new(inner: Waker) -> Self {
        Self {
            woken: AtomicBool::new(false),
            inner,
        }
    }

    fn get(&self) -> bool {
        self.woken.load(Ordering::Acquire)
    }
}

impl Wake for WokenFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.inner.wake_by_ref();
    }
}
