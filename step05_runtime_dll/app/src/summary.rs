//! The `summary:` line that ends a `--repeat` run, the same in steps 05 to 08.
//!
//! `summary: requests=N ok=N failed=0 elapsed_ms=... p50_us=... p99_us=...`: one line, `key=value`
//! fields, so a script can compare what each boundary costs. The latencies are per pipeline (four
//! calls into the plugins), in microseconds with three decimals: a call into a loaded library
//! takes well under one, and a whole number would round it to zero.

use std::fmt;
use std::time::Duration;

/// What a `--repeat` run measured.
#[derive(Debug, PartialEq)]
pub struct Summary {
    pub requests: usize,
    pub ok: usize,
    pub failed: usize,
    /// Wall time of the whole loop.
    pub elapsed: Duration,
    pub p50: Duration,
    pub p99: Duration,
}

impl Summary {
    /// Summarises `latencies`, one per pipeline that completed, over `elapsed`. The app stops at
    /// the first failed pipeline and reports that error instead, so a summary has no failures.
    pub fn of_successes(mut latencies: Vec<Duration>, elapsed: Duration) -> Summary {
        latencies.sort_unstable();
        Summary {
            requests: latencies.len(),
            ok: latencies.len(),
            failed: 0,
            elapsed,
            p50: percentile(&latencies, 50),
            p99: percentile(&latencies, 99),
        }
    }
}

/// The nearest-rank percentile of `sorted`: the smallest value with at least `percent`% of the
/// values at or below it. Zero for no values.
fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank - 1]
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "summary: requests={} ok={} failed={} elapsed_ms={:.3} p50_us={:.3} p99_us={:.3}",
            self.requests,
            self.ok,
            self.failed,
            self.elapsed.as_secs_f64() * 1e3,
            self.p50.as_secs_f64() * 1e6,
            self.p99.as_secs_f64() * 1e6,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(values: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        values.into_iter().map(Duration::from_micros).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted = micros(1..=100);
        assert_eq!(percentile(&sorted, 50), Duration::from_micros(50));
        assert_eq!(percentile(&sorted, 99), Duration::from_micros(99));
        assert_eq!(percentile(&micros([7]), 99), Duration::from_micros(7));
        assert_eq!(percentile(&micros([1, 2, 3]), 50), Duration::from_micros(2));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn summary_sorts_the_latencies_it_is_given() {
        let summary = Summary::of_successes(micros([30, 10, 20]), Duration::from_micros(60));
        assert_eq!(summary.p50, Duration::from_micros(20));
        assert_eq!(summary.p99, Duration::from_micros(30));
    }

    #[test]
    fn summary_line_has_the_exact_shared_shape() {
        let summary = Summary::of_successes(micros([2, 1]), Duration::from_micros(1500));
        assert_eq!(
            summary.to_string(),
            "summary: requests=2 ok=2 failed=0 elapsed_ms=1.500 p50_us=1.000 p99_us=2.000"
        );
    }
}
