//! The pipeline, as in steps 03 and 04, and its repeated, measured form.
//!
//! `run_pipeline` knows nothing but the traits: it cannot tell that its processor and transformer
//! are processes. Two things changed since step 04, both forced by the boundary. Each call can fail
//! now, so the function returns a `Result` and `?` stops at the first failure. And it writes to an
//! `out` it is given instead of `println!`: the one-off run passes stdout, the `--repeat` run passes
//! a sink, so the measured loop runs the very same code without printing it.

use std::fmt;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use traits::{ComponentError, Processor, Transformer};

/// Why the pipeline stopped.
#[derive(Debug)]
pub enum PipelineError {
    /// A component could not produce its result.
    Component(ComponentError),
    /// The output could not be written (say, stdout was a pipe that closed).
    Output(io::Error),
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Component(error) => error.fmt(f),
            PipelineError::Output(error) => write!(f, "cannot write the output: {error}"),
        }
    }
}

impl std::error::Error for PipelineError {}

impl From<ComponentError> for PipelineError {
    fn from(error: ComponentError) -> Self {
        PipelineError::Component(error)
    }
}

impl From<io::Error> for PipelineError {
    fn from(error: io::Error) -> Self {
        PipelineError::Output(error)
    }
}

pub fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    out: &mut dyn Write,
) -> Result<(), PipelineError> {
    writeln!(out, "\n--- Processing Pipeline ---")?;

    writeln!(out, "Input value: {}", input)?;

    let data1 = processor.process(input)?;
    let is_valid = processor.validate(&data1)?;
    writeln!(out, "Component1 result: {:?}, Valid: {}", data1, is_valid)?;

    let data2 = transformer.transform(data1.value)?;
    let analysis = transformer.analyze(&data2)?;
    writeln!(out, "Component2 result: {:?}", data2)?;
    writeln!(out, "{}", analysis)?;
    Ok(())
}

/// What `--repeat` measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatSummary {
    pub requests: u64,
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// Latency of one whole pipeline (four requests, two per service).
    pub p50: Duration,
    pub p99: Duration,
    pub restarts: u32,
}

/// The machine-readable line that ends a `--repeat` run. Its first fields are the same in steps
/// 05 to 08, so the cost of each boundary can be compared; `restarts` is this step's own.
impl fmt::Display for RepeatSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "summary: requests={} ok={} failed={} elapsed_ms={} p50_us={} p99_us={} restarts={}",
            self.requests,
            self.ok,
            self.failed,
            self.elapsed.as_millis(),
            self.p50.as_micros(),
            self.p99.as_micros(),
            self.restarts
        )
    }
}

/// Runs the pipeline `warmup` times unmeasured, then `times` times measured, quietly, stopping at
/// the first failure.
///
/// Returns the summary, and the error that stopped the run if one did. Only the measured
/// pipelines are counted, except a failed warm-up pipeline, which is the run's one failure.
/// `restarts` is asked for at the end, so it counts the restarts that happened during the run,
/// warm-up included.
pub fn repeat(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    warmup: u64,
    times: u64,
    restarts: impl Fn() -> u32,
) -> (RepeatSummary, Option<PipelineError>) {
    let mut latencies = Vec::with_capacity(usize::try_from(times).unwrap_or(0).min(1 << 24));
    let mut failure = None;
    // The first pipelines pay for what later ones find ready (page faults, cold caches, the
    // services' first allocations); a measurement of the boundary should not include them.
    for _ in 0..warmup {
        if let Err(error) = run_pipeline(processor, transformer, input, &mut io::sink()) {
            let summary = RepeatSummary {
                requests: 1,
                ok: 0,
                failed: 1,
                elapsed: Duration::ZERO,
                p50: Duration::ZERO,
                p99: Duration::ZERO,
                restarts: restarts(),
            };
            return (summary, Some(error));
        }
    }
    let started = Instant::now();
    for _ in 0..times {
        let one = Instant::now();
        match run_pipeline(processor, transformer, input, &mut io::sink()) {
            Ok(()) => latencies.push(one.elapsed()),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let ok = latencies.len() as u64;
    let failed = u64::from(failure.is_some());
    let summary = RepeatSummary {
        requests: ok + failed,
        ok,
        failed,
        elapsed,
        p50: percentile(&latencies, 50),
        p99: percentile(&latencies, 99),
        restarts: restarts(),
    };
    (summary, failure)
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `percent` % of
/// the values at or below it. Zero for no values.
pub fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * percent).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use traits::{ProcessResult, TransformResult};

    use super::*;

    /// Both halves of the contract in one, counting the pipelines that reach it (one `process`
    /// call per pipeline) and failing from the `fail_from`-th on.
    struct Counting {
        pipelines: Cell<u64>,
        fail_from: u64,
    }

    impl Processor for Counting {
        fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
            self.pipelines.set(self.pipelines.get() + 1);
            if self.pipelines.get() >= self.fail_from {
                return Err(ComponentError::Overflow { value });
            }
            Ok(ProcessResult {
                value: value * 2,
                processed: true,
            })
        }
        fn validate(&self, _: &ProcessResult) -> Result<bool, ComponentError> {
            Ok(true)
        }
    }

    impl Transformer for Counting {
        fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
            Ok(TransformResult {
                original: value,
                transformed: format!("Value-{value:04}"),
            })
        }
        fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
            Ok(format!("{data:?}"))
        }
    }

    fn counting(fail_from: u64) -> Counting {
        Counting {
            pipelines: Cell::new(0),
            fail_from,
        }
    }

    #[test]
    fn warmup_pipelines_run_first_and_are_not_counted() {
        let both = counting(u64::MAX);
        let (summary, failure) = repeat(&both, &both, 42, 3, 5, || 0);
        assert!(failure.is_none());
        assert_eq!(both.pipelines.get(), 8);
        assert_eq!((summary.requests, summary.ok, summary.failed), (5, 5, 0));
    }

    #[test]
    fn a_failed_warmup_pipeline_stops_the_run_as_its_one_failure() {
        let both = counting(2);
        let (summary, failure) = repeat(&both, &both, 42, 3, 5, || 0);
        assert!(matches!(
            failure,
            Some(PipelineError::Component(ComponentError::Overflow { .. }))
        ));
        assert_eq!(both.pipelines.get(), 2);
        assert_eq!((summary.requests, summary.ok, summary.failed), (1, 0, 1));
    }

    fn micros(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&us| Duration::from_micros(us)).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values = micros(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&values, 50), Duration::from_micros(50));
        assert_eq!(percentile(&values, 99), Duration::from_micros(99));
        assert_eq!(percentile(&micros(&[7]), 99), Duration::from_micros(7));
        assert_eq!(
            percentile(&micros(&[1, 2, 3]), 50),
            Duration::from_micros(2)
        );
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn the_summary_line_has_the_shared_fields_first() {
        let summary = RepeatSummary {
            requests: 3,
            ok: 3,
            failed: 0,
            elapsed: Duration::from_millis(12),
            p50: Duration::from_micros(40),
            p99: Duration::from_micros(95),
            restarts: 1,
        };
        assert_eq!(
            summary.to_string(),
            "summary: requests=3 ok=3 failed=0 elapsed_ms=12 p50_us=40 p99_us=95 restarts=1"
        );
    }
}
