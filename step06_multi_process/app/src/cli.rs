//! The command line: `app [--input N] [--repeat N [--warmup N]] [--service-dir DIR]
//! [--timeout-ms MS] [--max-restarts N]`. Hand-written, because six flags do not earn a parser
//! dependency.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
Usage: app [OPTIONS]

Runs the pipeline through two child processes, service1 and service2.

Options:
  --input N           the value to process (default 42)
  --repeat N          run the pipeline N times without the per-call output, then print one
                      `summary:` line (latency per pipeline)
  --warmup N          with --repeat: first run the pipeline N times unmeasured (caches, branch
                      predictors and the services warm), not counted in the summary (default 0)
  --service-dir DIR   where service1 and service2 are (default: the app's own directory;
                      the SERVICE_DIR environment variable works too)
  --timeout-ms MS     how long a service may take to answer before it is restarted (default 5000)
  --max-restarts N    restarts allowed for one request before giving up (default 3)
  -h, --help          print this help";

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub input: i32,
    pub repeat: Option<u64>,
    /// Pipelines run before the measured `--repeat` ones, and left out of the summary.
    pub warmup: u64,
    pub service_dir: Option<PathBuf>,
    pub timeout: Duration,
    pub max_restarts: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            input: 42,
            repeat: None,
            warmup: 0,
            service_dir: None,
            timeout: Duration::from_secs(5),
            max_restarts: 3,
        }
    }
}

/// `Help` when `--help` was given: printing it is not an error.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Options),
    Help,
}

/// Reads the arguments (without the program name). The error is one line saying what is wrong.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Both `--input 7` and `--input=7` work.
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let mut value = || {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--input" => options.input = number(&flag, &value()?)?,
            "--repeat" => {
                let repeat = number(&flag, &value()?)?;
                if repeat == 0 {
                    return Err("--repeat must be at least 1".into());
                }
                options.repeat = Some(repeat);
            }
            "--warmup" => options.warmup = number(&flag, &value()?)?,
            "--service-dir" => options.service_dir = Some(PathBuf::from(value()?)),
            "--timeout-ms" => {
                let millis: u64 = number(&flag, &value()?)?;
                if millis == 0 {
                    return Err("--timeout-ms must be at least 1".into());
                }
                options.timeout = Duration::from_millis(millis);
            }
            "--max-restarts" => options.max_restarts = number(&flag, &value()?)?,
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    // A warm-up prepares a measurement; without one it would only be a slower single run.
    if options.warmup > 0 && options.repeat.is_none() {
        return Err("--warmup only makes sense with --repeat N".into());
    }
    Ok(Command::Run(options))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse().map_err(|_| {
        format!(
            "{flag} expects a whole number in the range of {}, got {text:?}",
            std::any::type_name::<T>()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn no_arguments_means_input_42_once() {
        assert_eq!(parsed(&[]), Ok(Command::Run(Options::default())));
    }

    #[test]
    fn every_flag_is_read_in_both_spellings() {
        let Ok(Command::Run(options)) = parsed(&[
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
        ]) else {
            panic!("the arguments should parse");
        };
        assert_eq!(
            options,
            Options {
                input: -7,
                repeat: Some(10),
                warmup: 3,
                service_dir: Some(PathBuf::from("bin")),
                timeout: Duration::from_millis(250),
                max_restarts: 0,
            }
        );
    }

    #[test]
    fn bad_arguments_are_errors_that_name_the_flag() {
        assert!(parsed(&["--input", "x"]).unwrap_err().contains("--input"));
        assert!(
            parsed(&["--input", "2147483648"])
                .unwrap_err()
                .contains("i32")
        );
        assert!(parsed(&["--repeat", "0"]).unwrap_err().contains("--repeat"));
        assert!(parsed(&["--repeat"]).unwrap_err().contains("needs a value"));
        assert!(
            parsed(&["--frobnicate"])
                .unwrap_err()
                .contains("--frobnicate")
        );
    }

    #[test]
    fn warmup_defaults_to_none_and_needs_repeat() {
        let Ok(Command::Run(options)) = parsed(&["--repeat", "5"]) else {
            panic!("--repeat alone should parse");
        };
        assert_eq!(options.warmup, 0);
        let Ok(Command::Run(options)) = parsed(&["--warmup=0", "--repeat", "5"]) else {
            panic!("--warmup 0 should parse");
        };
        assert_eq!(options.warmup, 0);
        assert!(
            parsed(&["--warmup", "10"])
                .unwrap_err()
                .contains("--warmup only makes sense with --repeat")
        );
        assert!(
            parsed(&["--repeat", "5", "--warmup", "-1"])
                .unwrap_err()
                .contains("--warmup")
        );
    }

    #[test]
    fn help_wins_over_everything_before_it() {
        assert_eq!(parsed(&["--input", "1", "--help"]), Ok(Command::Help));
    }
}
