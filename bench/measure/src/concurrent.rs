//! The measuring loop for `async` pipelines, with several in flight at once.
//!
//! It needs no particular runtime: the pipelines are futures polled together on the caller's
//! task (`buffer_unordered`), which is what a client with `concurrency` requests outstanding does.
//! The step's own runtime still runs whatever its client spawns (connections, channels).

use std::cell::Cell;
use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};

use crate::{RunArgs, Summary, Which, counted};

/// Runs `pipeline` `args.warmup` times unmeasured, then `args.repeat` times, timing each call,
/// with at most `concurrency` (at least 1) in flight at once, the warm-up included, so that many
/// connections are open before the clock starts.
///
/// At the first failed pipeline no new one starts; the ones in flight finish and are counted.
/// The summary says what happened and the first error comes back beside it. A failed warm-up
/// measures nothing: its summary is empty.
pub async fn repeat_concurrently<E, F, Fut>(
    args: RunArgs,
    concurrency: usize,
    mut pipeline: F,
) -> (Summary, Option<E>)
where
    F: FnMut(Which) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let concurrency = concurrency.max(1);
    let warmup = run(args.warmup, concurrency, |n| pipeline(Which::Warmup(n))).await;
    if warmup.first_error.is_some() {
        let nothing = Summary::of_latencies(Vec::new(), Duration::ZERO);
        return (nothing, warmup.first_error);
    }
    let measured = run(args.repeat, concurrency, |n| pipeline(Which::Measured(n))).await;
    let summary = counted(measured.latencies, measured.failed, measured.elapsed)
        .with("concurrency", concurrency);
    (summary, measured.first_error)
}

/// What one batch of pipelines did.
struct Batch<E> {
    latencies: Vec<Duration>,
    failed: usize,
    first_error: Option<E>,
    elapsed: Duration,
}

async fn run<E, Fut>(
    count: usize,
    concurrency: usize,
    mut pipeline: impl FnMut(usize) -> Fut,
) -> Batch<E>
where
    Fut: Future<Output = Result<(), E>>,
{
    let stopped = Cell::new(false);
    let mut batch = Batch {
        latencies: Vec::with_capacity(count.min(1 << 24)),
        failed: 0,
        first_error: None,
        elapsed: Duration::ZERO,
    };
    let started = Instant::now();
    let mut results = stream::iter(1..=count)
        // Checked each time a slot frees up, so no pipeline starts after the first failure.
        .take_while(|_| std::future::ready(!stopped.get()))
        .map(|n| {
            let call = pipeline(n);
            async move {
                let one = Instant::now();
                let result = call.await;
                (one.elapsed(), result)
            }
        })
        .buffer_unordered(concurrency);
    while let Some((latency, result)) = results.next().await {
        match result {
            Ok(()) => batch.latencies.push(latency),
            Err(error) => {
                stopped.set(true);
                batch.failed += 1;
                batch.first_error.get_or_insert(error);
            }
        }
    }
    batch.elapsed = started.elapsed();
    batch
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Polls a future that never waits on anything outside itself to the end.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        let mut future = pin!(future);
        let mut context = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
                return value;
            }
        }
    }

    /// A future that is pending once before it finishes, so others get polled meanwhile.
    async fn yield_once() {
        let mut yielded = false;
        std::future::poll_fn(|context| {
            if yielded {
                Poll::Ready(())
            } else {
                yielded = true;
                context.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await
    }

    #[test]
    fn at_most_concurrency_pipelines_are_in_flight() {
        let in_flight = Cell::new(0);
        let most = Cell::new(0);
        let args = RunArgs {
            repeat: 20,
            warmup: 4,
        };
        let (summary, error) = block_on(repeat_concurrently(args, 3, |_| {
            let (in_flight, most) = (&in_flight, &most);
            async move {
                in_flight.set(in_flight.get() + 1);
                most.set(most.get().max(in_flight.get()));
                yield_once().await;
                in_flight.set(in_flight.get() - 1);
                Ok::<(), String>(())
            }
        }));
        assert_eq!(error, None);
        assert_eq!(most.get(), 3);
        assert_eq!((summary.requests, summary.ok, summary.failed), (20, 20, 0));
        assert_eq!(summary.extra("concurrency"), Some("3"));
    }

    #[test]
    fn every_pipeline_is_asked_for_once_in_order() {
        let seen = RefCell::new(Vec::new());
        let args = RunArgs {
            repeat: 3,
            warmup: 1,
        };
        block_on(repeat_concurrently(args, 2, |which| {
            seen.borrow_mut().push(which.to_string());
            async { Ok::<(), String>(()) }
        }));
        assert_eq!(*seen.borrow(), ["warmup-1", "1", "2", "3"]);
    }

    #[test]
    fn no_pipeline_starts_after_the_first_failure() {
        let started = Cell::new(0);
        let args = RunArgs {
            repeat: 100,
            warmup: 0,
        };
        let (summary, error) = block_on(repeat_concurrently(args, 1, |which| {
            started.set(started.get() + 1);
            async move {
                match which {
                    Which::Measured(5) => Err(format!("pipeline {which} failed")),
                    _ => Ok(()),
                }
            }
        }));
        assert_eq!(started.get(), 5);
        assert_eq!((summary.requests, summary.ok, summary.failed), (5, 4, 1));
        assert_eq!(error.as_deref(), Some("pipeline 5 failed"));
    }

    #[test]
    fn a_failed_warmup_measures_nothing() {
        let args = RunArgs {
            repeat: 10,
            warmup: 2,
        };
        let (summary, error) = block_on(repeat_concurrently(args, 1, |_| async { Err("down") }));
        assert_eq!(summary.requests, 0);
        assert_eq!(error, Some("down"));
    }
}
