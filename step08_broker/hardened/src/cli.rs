//! The hardened app's command line. Every flag with a variable can also come from it.

use clap::{Parser, ValueEnum};
use std::num::NonZeroUsize;

/// Step 08 hardened: the pipeline through workers behind RabbitMQ, measured if asked.
#[derive(Parser, Debug)]
#[command(version)]
pub struct Cli {
    /// The value to process
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub input: i32,

    /// Where the workers come from
    #[arg(long, value_enum, env = "WORKERS", default_value_t = Workers::Local)]
    pub workers: Workers,

    /// Start N service1 workers instead of one (local workers only)
    #[arg(long, value_name = "N", conflicts_with = "workers")]
    pub service1_workers: Option<NonZeroUsize>,

    /// How long one call may wait for its reply, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,

    #[command(flatten)]
    pub measure: measure::ConcurrentRepeatArgs,
}

/// Where the workers come from.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workers {
    /// The app starts the hardened workers as its children (the default)
    Local,
    /// They run elsewhere (other terminals, containers); the app only talks to the broker
    External,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("hardened").chain(args.iter().copied()))
    }

    #[test]
    fn no_arguments_mean_one_pipeline_on_42_with_local_workers() {
        let cli = parse(&[]).unwrap();
        assert_eq!((cli.input, cli.workers), (42, Workers::Local));
        assert_eq!(cli.measure.run_args(), None);
        assert_eq!((cli.timeout_ms, cli.service1_workers), (30_000, None));
    }

    #[test]
    fn every_flag_is_read() {
        let cli = parse(&[
            "--input",
            "-5",
            "--repeat",
            "500",
            "--warmup",
            "50",
            "--concurrency",
            "20",
            "--timeout-ms",
            "3000",
            "--service1-workers",
            "4",
        ])
        .unwrap();
        assert_eq!(cli.input, -5);
        let run = cli.measure.run_args().map(|run| (run.repeat, run.warmup));
        assert_eq!(run, Some((500, 50)));
        assert_eq!(cli.measure.concurrency, 20);
        assert_eq!(cli.timeout_ms, 3000);
        assert_eq!(cli.service1_workers, NonZeroUsize::new(4));
        let external = parse(&["--workers", "external"]).unwrap();
        assert_eq!(external.workers, Workers::External);
    }

    #[test]
    fn bad_arguments_are_refused_with_the_flag_named() {
        for (args, needle) in [
            (&["--input", "x"][..], "--input"),
            (&["--input", "2147483648"][..], "--input"),
            (&["--timeout-ms", "0"][..], "--timeout-ms"),
            (&["--service1-workers", "0"][..], "--service1-workers"),
            (
                &["--workers", "external", "--service1-workers", "2"][..],
                "--service1-workers",
            ),
            (&["--workers", "remote"][..], "remote"),
        ] {
            let error = parse(args).unwrap_err().to_string();
            assert!(error.contains(needle), "{args:?}: {error}");
        }
    }
}
