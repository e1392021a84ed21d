//! The command line: `app [--input N] [--repeat N [--warmup N]] [--service-dir DIR]
//! [--timeout-ms MS] [--max-restarts N]`.

use std::path::PathBuf;

use clap::Parser;

/// Runs the pipeline through two child processes, service1 and service2.
#[derive(Parser, Debug)]
#[command(name = "app")]
pub struct Cli {
    /// The value to process
    #[arg(long, value_name = "N", default_value_t = 42)]
    #[arg(allow_negative_numbers = true)]
    pub input: i32,

    #[command(flatten)]
    pub measure: measure::RepeatArgs,

    /// Where service1 and service2 are (default: next to the app, built first when Cargo
    /// started the app)
    #[arg(long, env = "SERVICE_DIR", value_name = "DIR")]
    pub service_dir: Option<PathBuf>,

    /// How long a service may take to answer before it is killed and restarted
    #[arg(long, value_name = "MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,

    /// Restarts allowed for one request before giving up
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_restarts: u32,
}

impl Cli {
    /// Parses the command line. `--help` prints and exits 0; a mistake prints one line,
    /// `error: ...`, and exits 1, like every other error of the app.
    pub fn parse_or_exit() -> Self {
        Self::try_parse().unwrap_or_else(|error| {
            if !error.use_stderr() {
                error.exit(); // `--help`: not an error
            }
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            std::process::exit(1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
    }

    #[test]
    fn every_flag_is_read() {
        let cli = parsed(&[
            "--input",
            "-7",
            "--repeat=10",
            "--warmup",
            "3",
            "--service-dir",
            "bin",
            "--timeout-ms=250",
            "--max-restarts",
            "0",
        ])
        .unwrap();
        assert_eq!(cli.input, -7);
        assert_eq!(cli.measure.repeat, Some(10));
        assert_eq!(cli.measure.warmup, 3);
        assert_eq!(cli.service_dir, Some(PathBuf::from("bin")));
        assert_eq!((cli.timeout_ms, cli.max_restarts), (250, 0));
    }

    #[test]
    fn bad_values_are_refused_naming_the_flag() {
        for args in [
            &["--input", "x"][..],
            &["--input", "2147483648"],
            &["--timeout-ms", "0"],
            &["--warmup", "3"],
        ] {
            let error = parsed(args).unwrap_err().to_string();
            assert!(error.contains(args[0]), "{args:?}: {error}");
        }
    }
}
