//! What every measuring program in this repository agrees on: the `--repeat`/`--warmup`/
//! `--concurrency` flags, the warm-up-then-measure loop, and the one-line `summary:` that reports
//! what it measured.
//!
//! Steps 05-08 and the programs under `bench/` (the in-process callers of steps 02 and 03, and the
//! bare-transport floors) all measure through this crate, as a path dependency, and `cargo xtask
//! bench` reads their lines back with [`Summary::parse`]. One implementation on both sides is what
//! makes the rows comparable, and it keeps measurement out of the code a step teaches: a step's
//! `main` calls [`repeat`] (or [`repeat_concurrently`]) in one place.
//!
//! # Layout
//!
//! - [`Summary`]: building one from latencies, printing it, parsing it back.
//! - [`percentile`]: the nearest-rank percentile the summaries use.
//! - [`RunArgs`]: how many pipelines to warm up and measure; [`RunArgs::parse`] reads
//!   `--repeat N --warmup N` by hand for the bench programs, which take no other flags.
//! - [`RepeatArgs`] and [`ConcurrentRepeatArgs`] (feature `cli`): the same flags as `clap`
//!   arguments, for the steps to `#[command(flatten)]` into their own command line.
//! - [`repeat`]: the loop for synchronous pipelines (steps 05 and 06); [`measure`] is the same
//!   loop for programs that only ever measure.
//! - [`repeat_concurrently`] (feature `async`): the loop for `async` pipelines, several in flight
//!   at once (steps 07 and 08).
//!
//! # Features
//!
//! Both are off by default, so `xtask`, which only parses summaries, builds in seconds.
//! - `cli`: `clap`'s derive for the flags.
//! - `async`: `futures-util`, to keep N pipelines in flight on whatever runtime the step uses.

use std::fmt;
use std::time::{Duration, Instant};

/// What one run of N pipelines measured.
///
/// The line looks like
/// `summary: requests=1000 ok=1000 failed=0 elapsed_ms=476.120 p50_us=240.500 p99_us=390.000
/// max_us=1204.000`,
/// optionally followed by step-specific `key=value` fields (`restarts=0`, `concurrency=4`).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub requests: usize,
    pub ok: usize,
    pub failed: usize,
    /// Wall time of the measured loop, warm-up excluded.
    pub elapsed: Duration,
    /// Median latency of one pipeline.
    pub p50: Duration,
    /// 99th-percentile latency of one pipeline.
    pub p99: Duration,
    /// The slowest pipeline: in a run one pipeline at a time, the longest the caller waited, so
    /// the longest stall a fault caused. Lines printed before this field existed lack it.
    pub max: Option<Duration>,
    /// Fields after the six shared ones, in order.
    pub extra: Vec<(String, String)>,
}

impl Summary {
    /// Summarises one latency per successful pipeline, measured over `elapsed`.
    pub fn of_latencies(mut latencies: Vec<Duration>, elapsed: Duration) -> Summary {
        latencies.sort_unstable();
        Summary {
            requests: latencies.len(),
            ok: latencies.len(),
            failed: 0,
            elapsed,
            p50: percentile(&latencies, 50),
            p99: percentile(&latencies, 99),
            max: Some(latencies.last().copied().unwrap_or_default()),
            extra: Vec::new(),
        }
    }

    /// The same summary with one more `key=value` field at the end (`restarts=0`).
    pub fn with(mut self, key: &str, value: impl fmt::Display) -> Summary {
        self.extra.push((key.to_string(), value.to_string()));
        self
    }

    /// Pipelines completed per second of wall time: what a caller gets out of the boundary.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.ok as f64 / seconds
        } else {
            0.0
        }
    }

    /// Reads a line printed by [`Summary`]'s `Display` or by a step's `--repeat`.
    ///
    /// The six shared fields must all be there, in any order (`max_us` may be missing); durations may be whole numbers or
    /// decimals (steps 06-08 print whole microseconds, step 05 and `bench/` print three
    /// decimals). Unknown fields are kept in [`Summary::extra`].
    pub fn parse(line: &str) -> Result<Summary, ParseError> {
        let rest = line
            .trim()
            .strip_prefix("summary:")
            .ok_or(ParseError::NotASummary)?;
        let mut requests = None;
        let mut ok = None;
        let mut failed = None;
        let mut elapsed = None;
        let mut p50 = None;
        let mut p99 = None;
        let mut max = None;
        let mut extra = Vec::new();
        for field in rest.split_whitespace() {
            let (key, value) = field
                .split_once('=')
                .ok_or_else(|| ParseError::BadField(field.to_string()))?;
            let bad = || ParseError::BadField(field.to_string());
            match key {
                "requests" => requests = Some(value.parse().map_err(|_| bad())?),
                "ok" => ok = Some(value.parse().map_err(|_| bad())?),
                "failed" => failed = Some(value.parse().map_err(|_| bad())?),
                "elapsed_ms" => elapsed = Some(duration(value, 1e-3).ok_or_else(bad)?),
                "p50_us" => p50 = Some(duration(value, 1e-6).ok_or_else(bad)?),
                "p99_us" => p99 = Some(duration(value, 1e-6).ok_or_else(bad)?),
                "max_us" => max = Some(duration(value, 1e-6).ok_or_else(bad)?),
                _ => extra.push((key.to_string(), value.to_string())),
            }
        }
        let missing = |name: &'static str| ParseError::MissingField(name);
        Ok(Summary {
            requests: requests.ok_or(missing("requests"))?,
            ok: ok.ok_or(missing("ok"))?,
            failed: failed.ok_or(missing("failed"))?,
            elapsed: elapsed.ok_or(missing("elapsed_ms"))?,
            p50: p50.ok_or(missing("p50_us"))?,
            p99: p99.ok_or(missing("p99_us"))?,
            max,
            extra,
        })
    }

    /// The value of an extra field, such as `concurrency`.
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `value` in the unit that `seconds_per_unit` gives, as a `Duration`; `None` if it is not a
/// finite number of at least zero.
fn duration(value: &str, seconds_per_unit: f64) -> Option<Duration> {
    let number: f64 = value.parse().ok()?;
    Duration::try_from_secs_f64(number * seconds_per_unit).ok()
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
        )?;
        if let Some(max) = self.max {
            write!(f, " max_us={:.3}", max.as_secs_f64() * 1e6)?;
        }
        for (key, value) in &self.extra {
            write!(f, " {key}={value}")?;
        }
        Ok(())
    }
}

/// Why a line could not be read as a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    NotASummary,
    BadField(String),
    MissingField(&'static str),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::NotASummary => write!(f, "the line does not start with `summary:`"),
            ParseError::BadField(field) => write!(f, "`{field}` is not a valid key=value field"),
            ParseError::MissingField(name) => write!(f, "the field `{name}` is missing"),
        }
    }
}

impl std::error::Error for ParseError {}

/// The nearest-rank percentile of `sorted` (ascending): the smallest value with at least
/// `percent`% of the values at or below it. Zero for no values.
pub fn percentile(sorted: &[Duration], percent: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * percent)
        .div_ceil(100)
        .clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The flags every program under `bench/` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunArgs {
    /// Pipelines to measure.
    pub repeat: usize,
    /// Pipelines to run first, unmeasured: connections opened, caches and branch predictors warm.
    pub warmup: usize,
}

impl RunArgs {
    pub const USAGE: &str = "--repeat N (pipelines to measure, at least 1) --warmup N (run first, not measured; default 0)";

    /// Parses `--repeat N [--warmup N]`; anything else is an error naming it.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<RunArgs, String> {
        let mut repeat = None;
        let mut warmup = 0;
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut number = |flag: &str| -> Result<usize, String> {
                let text = args
                    .next()
                    .ok_or_else(|| format!("{flag} needs a number"))?;
                text.parse()
                    .map_err(|_| format!("{flag} {text:?} is not a whole number"))
            };
            match flag.as_str() {
                "--repeat" => repeat = Some(number("--repeat")?),
                "--warmup" => warmup = number("--warmup")?,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        match repeat {
            Some(0) | None => Err("--repeat N is required, with N at least 1".into()),
            Some(repeat) => Ok(RunArgs { repeat, warmup }),
        }
    }
}

/// Which pipeline of a run a closure is asked for: the `n`th of the warm-up or of the measured
/// run, counted from 1. Its `Display` (`warmup-3`, `3`) is ready to put in a request id, so a log
/// tells the two apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Warmup(usize),
    Measured(usize),
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Which::Warmup(n) => write!(f, "warmup-{n}"),
            Which::Measured(n) => write!(f, "{n}"),
        }
    }
}

/// Runs `pipeline` `args.warmup` times unmeasured, then `args.repeat` times, timing each call.
///
/// At the first failed pipeline no new one starts: going on would only repeat the same error N
/// times. The summary counts what happened (the failed pipeline included) and the error comes
/// back beside it, so the caller can print both. A failed warm-up measures nothing: its summary
/// is empty.
pub fn repeat<E>(
    args: RunArgs,
    mut pipeline: impl FnMut(Which) -> Result<(), E>,
) -> (Summary, Option<E>) {
    for n in 1..=args.warmup {
        if let Err(error) = pipeline(Which::Warmup(n)) {
            return (
                Summary::of_latencies(Vec::new(), Duration::ZERO),
                Some(error),
            );
        }
    }
    let mut latencies = Vec::with_capacity(args.repeat.min(1 << 24));
    let mut failure = None;
    let started = Instant::now();
    for n in 1..=args.repeat {
        let one = Instant::now();
        match pipeline(Which::Measured(n)) {
            Ok(()) => latencies.push(one.elapsed()),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    (
        counted(latencies, failure.is_some() as usize, started.elapsed()),
        failure,
    )
}

/// Runs `pipeline` like [`repeat`], for programs that only ever measure: the first error is all
/// they report.
pub fn measure<E>(
    args: RunArgs,
    mut pipeline: impl FnMut() -> Result<(), E>,
) -> Result<Summary, E> {
    match repeat(args, |_| pipeline()) {
        (summary, None) => Ok(summary),
        (_, Some(error)) => Err(error),
    }
}

/// The summary of `latencies` (one per pipeline that succeeded) and `failed` more that did not.
fn counted(latencies: Vec<Duration>, failed: usize, elapsed: Duration) -> Summary {
    let mut summary = Summary::of_latencies(latencies, elapsed);
    summary.requests += failed;
    summary.failed = failed;
    summary
}

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
pub use cli::{ConcurrentRepeatArgs, RepeatArgs};

#[cfg(feature = "async")]
mod concurrent;
#[cfg(feature = "async")]
pub use concurrent::repeat_concurrently;

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(values: impl IntoIterator<Item = u64>) -> Vec<Duration> {
        values.into_iter().map(Duration::from_micros).collect()
    }

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted = micros(1..=100);
        assert_eq!(percentile(&sorted, 50), Duration::from_micros(50));
        assert_eq!(percentile(&sorted, 99), Duration::from_micros(99));
        assert_eq!(percentile(&sorted, 100), Duration::from_micros(100));
        assert_eq!(percentile(&micros([7]), 99), Duration::from_micros(7));
        assert_eq!(percentile(&micros([1, 2, 3]), 50), Duration::from_micros(2));
        assert_eq!(
            percentile(&micros(1..=1000), 99),
            Duration::from_micros(990)
        );
    }

    #[test]
    fn percentile_of_nothing_is_zero() {
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn summary_sorts_the_latencies_it_is_given() {
        let summary = Summary::of_latencies(micros([30, 10, 20]), Duration::from_micros(60));
        assert_eq!(summary.requests, 3);
        assert_eq!(summary.p50, Duration::from_micros(20));
        assert_eq!(summary.p99, Duration::from_micros(30));
    }

    #[test]
    fn summary_line_has_the_shape_steps_05_to_08_print() {
        let summary = Summary::of_latencies(micros([2, 1]), Duration::from_micros(1500));
        assert_eq!(
            summary.to_string(),
            "summary: requests=2 ok=2 failed=0 elapsed_ms=1.500 p50_us=1.000 p99_us=2.000 \
             max_us=2.000"
        );
    }

    #[test]
    fn a_printed_summary_parses_back_to_itself() {
        let mut summary = Summary::of_latencies(micros([250, 120, 900]), Duration::from_millis(3));
        summary.extra.push(("restarts".into(), "0".into()));
        assert_eq!(Summary::parse(&summary.to_string()), Ok(summary));
    }

    #[test]
    fn whole_number_summaries_of_steps_06_to_08_parse() {
        let line = "summary: requests=2000 ok=2000 failed=0 elapsed_ms=476 p50_us=240 \
                    p99_us=390 concurrency=4";
        let summary = Summary::parse(line).unwrap();
        assert_eq!(summary.requests, 2000);
        assert_eq!(summary.elapsed, Duration::from_millis(476));
        assert_eq!(summary.p50, Duration::from_micros(240));
        assert_eq!(summary.p99, Duration::from_micros(390));
        assert_eq!(summary.extra("concurrency"), Some("4"));
        assert_eq!(summary.extra("restarts"), None);
        assert_eq!(summary.max, None, "a line from before max_us");
    }

    #[test]
    fn sub_microsecond_latencies_survive_parsing() {
        let line = "summary: requests=1 ok=1 failed=0 elapsed_ms=0.001 p50_us=0.411 p99_us=0.465";
        let summary = Summary::parse(line).unwrap();
        assert_eq!(summary.p50, Duration::from_nanos(411));
        assert_eq!(summary.elapsed, Duration::from_micros(1));
    }

    #[test]
    fn lines_that_are_not_summaries_are_refused_with_the_reason() {
        assert_eq!(
            Summary::parse("Execution complete"),
            Err(ParseError::NotASummary)
        );
        assert_eq!(
            Summary::parse("summary: requests=1 ok=1 failed=0 elapsed_ms=1 p50_us=1"),
            Err(ParseError::MissingField("p99_us"))
        );
        assert_eq!(
            Summary::parse("summary: requests=x ok=1"),
            Err(ParseError::BadField("requests=x".into()))
        );
        assert_eq!(
            Summary::parse("summary: requests=1 ok=1 failed=0 elapsed_ms=-1 p50_us=1 p99_us=1"),
            Err(ParseError::BadField("elapsed_ms=-1".into()))
        );
        assert_eq!(
            Summary::parse("summary: requests"),
            Err(ParseError::BadField("requests".into()))
        );
    }

    #[test]
    fn throughput_is_pipelines_per_second_of_wall_time() {
        let summary = Summary::of_latencies(micros([1; 500]), Duration::from_millis(250));
        assert_eq!(summary.throughput(), 2000.0);
        let empty = Summary::of_latencies(Vec::new(), Duration::ZERO);
        assert_eq!(empty.throughput(), 0.0);
    }

    #[test]
    fn run_args_need_a_positive_repeat_and_default_to_no_warmup() {
        assert_eq!(
            RunArgs::parse(strings(&["--repeat", "10"])),
            Ok(RunArgs {
                repeat: 10,
                warmup: 0
            })
        );
        assert_eq!(
            RunArgs::parse(strings(&["--warmup", "5", "--repeat", "10"])),
            Ok(RunArgs {
                repeat: 10,
                warmup: 5
            })
        );
        assert!(RunArgs::parse(strings(&[])).is_err());
        assert!(RunArgs::parse(strings(&["--repeat", "0"])).is_err());
        assert!(RunArgs::parse(strings(&["--repeat"])).is_err());
        assert!(RunArgs::parse(strings(&["--repeat", "ten"])).is_err());
        assert!(RunArgs::parse(strings(&["--repeat", "1", "--fast"])).is_err());
    }

    #[test]
    fn measure_times_only_the_measured_pipelines() {
        let mut calls = 0;
        let args = RunArgs {
            repeat: 4,
            warmup: 3,
        };
        let summary = measure(args, || {
            calls += 1;
            Ok::<(), String>(())
        })
        .unwrap();
        assert_eq!(calls, 7);
        assert_eq!(summary.requests, 4);
        assert_eq!(summary.ok, 4);
    }

    #[test]
    fn measure_stops_at_the_first_error() {
        let mut calls = 0;
        let args = RunArgs {
            repeat: 10,
            warmup: 0,
        };
        let result = measure(args, || {
            calls += 1;
            if calls == 3 {
                Err("third failed")
            } else {
                Ok(())
            }
        });
        assert_eq!(result, Err("third failed"));
        assert_eq!(calls, 3);
    }

    #[test]
    fn repeat_numbers_the_warmup_and_the_measured_pipelines_apart() {
        let mut seen = Vec::new();
        let args = RunArgs {
            repeat: 2,
            warmup: 2,
        };
        let (summary, error) = repeat(args, |which| {
            seen.push(which.to_string());
            Ok::<(), String>(())
        });
        assert_eq!(seen, ["warmup-1", "warmup-2", "1", "2"]);
        assert_eq!((summary.requests, summary.ok, summary.failed), (2, 2, 0));
        assert_eq!(error, None);
    }

    #[test]
    fn repeat_counts_the_failed_pipeline_and_returns_its_error() {
        let args = RunArgs {
            repeat: 10,
            warmup: 1,
        };
        let (summary, error) = repeat(args, |which| match which {
            Which::Measured(3) => Err("third failed"),
            _ => Ok(()),
        });
        assert_eq!((summary.requests, summary.ok, summary.failed), (3, 2, 1));
        assert_eq!(error, Some("third failed"));
    }

    #[test]
    fn a_failed_warmup_measures_nothing() {
        let args = RunArgs {
            repeat: 10,
            warmup: 5,
        };
        let mut calls = 0;
        let (summary, error) = repeat(args, |_| {
            calls += 1;
            Err("down")
        });
        assert_eq!(calls, 1);
        assert_eq!((summary.requests, summary.ok, summary.failed), (0, 0, 0));
        assert_eq!(error, Some("down"));
    }

    #[test]
    fn extra_fields_follow_the_shared_ones_in_order() {
        let summary = Summary::of_latencies(micros([1]), Duration::from_millis(1))
            .with("restarts", 2)
            .with("concurrency", 4);
        assert!(
            summary
                .to_string()
                .ends_with(" p99_us=1.000 max_us=1.000 restarts=2 concurrency=4"),
            "{summary}"
        );
        assert_eq!(summary.extra("restarts"), Some("2"));
    }
}
