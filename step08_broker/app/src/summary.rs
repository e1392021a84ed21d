//! The `summary:` line that ends `--repeat` runs, the same in steps 05-08 so that a later tool
//! can compare what each boundary costs by parsing it.

use std::time::Duration;

/// The outcome of a `--repeat` run.
#[derive(Debug, Default)]
pub struct Summary {
    pub requests: usize,
    /// One entry per successful pipeline: its latency, from the first publish to the last reply.
    pub latencies: Vec<Duration>,
    pub errors: Vec<String>,
    pub elapsed: Duration,
    /// Replies nobody waited for: duplicates from at-least-once delivery, or late ones.
    pub dropped_replies: u64,
}

impl Summary {
    pub fn new(requests: usize) -> Self {
        Self {
            requests,
            ..Self::default()
        }
    }

    /// `summary: requests=N ok=N failed=0 elapsed_ms=... p50_us=... p99_us=...`, then the fields
    /// only this step has.
    pub fn line(&self) -> String {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        format!(
            "summary: requests={} ok={} failed={} elapsed_ms={} p50_us={} p99_us={} dropped_replies={}",
            self.requests,
            self.latencies.len(),
            self.errors.len(),
            self.elapsed.as_millis(),
            percentile(&sorted, 50).as_micros(),
            percentile(&sorted, 99).as_micros(),
            self.dropped_replies
        )
    }
}

/// The nearest-rank percentile of sorted values: the smallest value that at least `p` percent
/// of the values are less than or equal to. Zero for no values.
pub fn percentile(sorted: &[Duration], p: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_micros).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values = micros(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&values, 50), Duration::from_micros(50));
        assert_eq!(percentile(&values, 99), Duration::from_micros(99));
        assert_eq!(percentile(&micros(&[7]), 99), Duration::from_micros(7));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn the_summary_line_starts_with_the_shared_fields_in_order() {
        let summary = Summary {
            requests: 3,
            latencies: micros(&[300, 100, 200]),
            errors: Vec::new(),
            elapsed: Duration::from_millis(12),
            dropped_replies: 1,
        };
        assert_eq!(
            summary.line(),
            "summary: requests=3 ok=3 failed=0 elapsed_ms=12 p50_us=200 p99_us=300 dropped_replies=1"
        );
    }
}
