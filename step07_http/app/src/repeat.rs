//! `--repeat N --warmup W --concurrency C`: W pipelines to warm up, then the same pipeline N
//! times, C at once, and one `summary:` line for those N.
//!
//! The line is read by a program (the root's boundary measurement), so its shape is fixed and
//! shared with steps 05, 06 and 08:
//! `summary: requests=N ok=N failed=0 elapsed_ms=... p50_us=... p99_us=...`, followed here by
//! `concurrency=C`. The latencies are per pipeline (both calls), in microseconds.
//!
//! At the first failed pipeline no new one starts: the ones in flight finish, the summary counts
//! what happened, and the error is reported. Going on would only repeat the same error N times.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::http::CallError;
use crate::pipeline::{Processor, Transformer, run_pipeline};

/// What a repeated run measured.
#[derive(Debug)]
pub struct Summary {
    pub requests: u32,
    pub ok: u32,
    pub failed: u32,
    pub elapsed: Duration,
    /// The latency of every pipeline that succeeded, sorted.
    pub latencies: Vec<Duration>,
    pub concurrency: u32,
}

impl Summary {
    /// The latency below which `percent` % of the pipelines finished (nearest rank), or zero when
    /// none succeeded.
    pub fn percentile(&self, percent: u32) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = (self.latencies.len() * percent as usize).div_ceil(100);
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "summary: requests={} ok={} failed={} elapsed_ms={} p50_us={} p99_us={} concurrency={}",
            self.requests,
            self.ok,
            self.failed,
            self.elapsed.as_millis(),
            self.percentile(50).as_micros(),
            self.percentile(99).as_micros(),
            self.concurrency
        )
    }
}

/// How many pipelines to run, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Pipelines measured and counted in the summary.
    pub repeat: u32,
    /// Pipelines run first, neither measured nor counted: the first calls pay for opening
    /// connections and for cold caches, which is not what a steady stream of pipelines costs.
    pub warmup: u32,
    /// Pipelines in flight at once, for the warm-up too (so C connections per service are open
    /// before the clock starts).
    pub concurrency: u32,
}

/// Runs `plan.warmup` pipelines unmeasured, then `plan.repeat` measured ones, with at most
/// `plan.concurrency` in flight. Request ids are `<id_prefix>-warmup-<n>` during the warm-up and
/// `<id_prefix>-<n>` after, n from 1, so a log tells the two apart. Returns the summary and the
/// first error, if any; a failed warm-up measures nothing and gives an empty summary.
pub async fn run_repeated<P, T>(
    processor: P,
    transformer: T,
    input: i32,
    plan: Plan,
    id_prefix: &str,
) -> (Summary, Option<CallError>)
where
    P: Processor + Clone + Send + Sync + 'static,
    T: Transformer + Clone + Send + Sync + 'static,
{
    let warmup_prefix = format!("{id_prefix}-warmup");
    let warmup = run_pipelines(
        &processor,
        &transformer,
        input,
        plan.warmup,
        plan.concurrency,
        &warmup_prefix,
    )
    .await;
    if warmup.first_error.is_some() {
        let nothing = Summary {
            requests: 0,
            ok: 0,
            failed: 0,
            elapsed: Duration::ZERO,
            latencies: Vec::new(),
            concurrency: plan.concurrency,
        };
        return (nothing, warmup.first_error);
    }

    let measured = run_pipelines(
        &processor,
        &transformer,
        input,
        plan.repeat,
        plan.concurrency,
        id_prefix,
    )
    .await;
    let ok = measured.latencies.len() as u32;
    let summary = Summary {
        requests: ok + measured.failed,
        ok,
        failed: measured.failed,
        elapsed: measured.elapsed,
        latencies: measured.latencies,
        concurrency: plan.concurrency,
    };
    (summary, measured.first_error)
}

/// What one batch of pipelines did.
struct Batch {
    /// Sorted.
    latencies: Vec<Duration>,
    failed: u32,
    first_error: Option<CallError>,
    elapsed: Duration,
}

/// Runs `count` pipelines with at most `concurrency` in flight; ids `<id_prefix>-<n>`.
async fn run_pipelines<P, T>(
    processor: &P,
    transformer: &T,
    input: i32,
    count: u32,
    concurrency: u32,
    id_prefix: &str,
) -> Batch
where
    P: Processor + Clone + Send + Sync + 'static,
    T: Transformer + Clone + Send + Sync + 'static,
{
    let next = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();

    // C workers share one counter: each takes the next pipeline number until there is none left.
    // Spawned tasks run on all the runtime's threads, so C really means C calls in flight.
    let mut workers = JoinSet::new();
    for _ in 0..concurrency.min(count) {
        let (processor, transformer) = (processor.clone(), transformer.clone());
        let (next, stop) = (Arc::clone(&next), Arc::clone(&stop));
        let id_prefix = id_prefix.to_string();
        workers.spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let number = next.fetch_add(1, Ordering::Relaxed);
                if number >= count {
                    break;
                }
                let request_id = format!("{id_prefix}-{}", number + 1);
                let began = Instant::now();
                match run_pipeline(&processor, &transformer, input, &request_id).await {
                    Ok(_) => latencies.push(began.elapsed()),
                    Err(error) => {
                        stop.store(true, Ordering::Relaxed);
                        return (latencies, Some(error));
                    }
                }
            }
            (latencies, None)
        });
    }

    let mut latencies = Vec::with_capacity(count as usize);
    let mut failed = 0;
    let mut first_error = None;
    while let Some(joined) = workers.join_next().await {
        // A worker only ends by returning: a panic inside one would be a bug, reported as such.
        let (mut worker_latencies, error) = match joined {
            Ok(outcome) => outcome,
            Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
        };
        latencies.append(&mut worker_latencies);
        if let Some(error) = error {
            failed += 1;
            first_error.get_or_insert(error);
        }
    }
    latencies.sort_unstable();
    Batch {
        latencies,
        failed,
        first_error,
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(micros: &[u64]) -> Summary {
        let mut latencies: Vec<_> = micros.iter().map(|&us| Duration::from_micros(us)).collect();
        latencies.sort_unstable();
        Summary {
            requests: micros.len() as u32,
            ok: micros.len() as u32,
            failed: 0,
            elapsed: Duration::from_millis(12),
            latencies,
            concurrency: 4,
        }
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let hundred: Vec<u64> = (1..=100).collect();
        let summary = summary(&hundred);
        assert_eq!(summary.percentile(50), Duration::from_micros(50));
        assert_eq!(summary.percentile(99), Duration::from_micros(99));
        assert_eq!(summary.percentile(100), Duration::from_micros(100));
    }

    #[test]
    fn one_pipeline_is_its_own_p50_and_p99() {
        let summary = summary(&[70]);
        assert_eq!(summary.percentile(50), Duration::from_micros(70));
        assert_eq!(summary.percentile(99), Duration::from_micros(70));
    }

    #[test]
    fn no_successful_pipeline_gives_zero_latencies() {
        assert_eq!(summary(&[]).percentile(99), Duration::ZERO);
    }

    #[test]
    fn the_summary_line_has_the_shared_shape() {
        assert_eq!(
            summary(&[30, 10, 20]).to_string(),
            "summary: requests=3 ok=3 failed=0 elapsed_ms=12 p50_us=20 p99_us=30 concurrency=4"
        );
    }
}
