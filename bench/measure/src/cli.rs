//! `--repeat`, `--warmup` and `--concurrency` as `clap` arguments, so every step spells and
//! checks them the same way. A step puts them in its own command line with
//! `#[command(flatten)] repeat: measure::RepeatArgs`.

use crate::RunArgs;

/// `--repeat N [--warmup N]`: measure instead of printing the pipeline.
#[derive(clap::Args, Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatArgs {
    /// Run the pipeline N times without its output, then print one `summary:` line
    #[arg(long, value_name = "N", value_parser = at_least_one)]
    pub repeat: Option<usize>,

    /// With --repeat: run N pipelines first, unmeasured (connections open, caches warm)
    #[arg(long, value_name = "N", default_value_t = 0, requires = "repeat")]
    pub warmup: usize,
}

impl RepeatArgs {
    /// What to run, if `--repeat` was given.
    pub fn run_args(&self) -> Option<RunArgs> {
        self.repeat.map(|repeat| RunArgs {
            repeat,
            warmup: self.warmup,
        })
    }
}

/// `--repeat N [--warmup N] [--concurrency N]`, for steps whose pipelines can overlap.
#[derive(clap::Args, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConcurrentRepeatArgs {
    #[command(flatten)]
    pub repeat: RepeatArgs,

    /// With --repeat: keep N pipelines in flight at once
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = at_least_one, requires = "repeat")]
    pub concurrency: usize,
}

impl ConcurrentRepeatArgs {
    /// What to run, if `--repeat` was given.
    pub fn run_args(&self) -> Option<RunArgs> {
        self.repeat.run_args()
    }
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        measure: ConcurrentRepeatArgs,
    }

    fn parse(args: &[&str]) -> Result<ConcurrentRepeatArgs, String> {
        Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
            .map(|cli| cli.measure)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn no_flags_means_no_measurement() {
        assert_eq!(parse(&[]).unwrap().run_args(), None);
    }

    #[test]
    fn repeat_warmup_and_concurrency_are_read() {
        let args = parse(&["--repeat", "10", "--warmup", "3", "--concurrency", "4"]).unwrap();
        assert_eq!(
            args.run_args(),
            Some(RunArgs {
                repeat: 10,
                warmup: 3
            })
        );
        assert_eq!(args.concurrency, 4);
        assert_eq!(parse(&["--repeat", "1"]).unwrap().concurrency, 1);
    }

    #[test]
    fn zero_and_words_are_refused_with_the_flag_named() {
        for bad in [
            &["--repeat", "0"][..],
            &["--repeat", "ten"],
            &["--repeat", "5", "--concurrency", "0"],
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains("--"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn warmup_and_concurrency_need_repeat() {
        assert!(parse(&["--warmup", "5"]).is_err());
        assert!(parse(&["--concurrency", "5"]).is_err());
    }
}
