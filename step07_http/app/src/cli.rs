//! The app's flags: `--input N`, `--repeat N`, `--warmup N`, `--concurrency C`, `--timeout-ms MS`.
//!
//! Parsed by hand: five flags do not earn a dependency, and every mistake gets one line that
//! names the flag and the value.

use std::time::Duration;

use crate::http::DEFAULT_REQUEST_TIMEOUT;

pub const USAGE: &str = "\
usage: app [--input N] [--repeat N [--warmup N] [--concurrency C]] [--timeout-ms MS]

  --input N         the value to send through the pipeline (default 42)
  --repeat N        run the pipeline N times, print only a `summary:` line of latencies
  --warmup N        with --repeat, first run N pipelines that are not measured nor counted
                    (default 0): connections get opened, caches warm up
  --concurrency C   with --repeat, keep C pipelines in flight at once (default 1)
  --timeout-ms MS   give up on a call after MS milliseconds (default 5000)

environment: SERVICE1_URL and SERVICE2_URL (for example http://127.0.0.1:3001); a service
whose URL is unset is started here as a child process.";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Args),
    Help,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    pub input: i32,
    pub repeat: Option<u32>,
    /// Pipelines run before the measured ones, not counted in the summary.
    pub warmup: u32,
    pub concurrency: u32,
    pub request_timeout: Duration,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            input: 42,
            repeat: None,
            warmup: 0,
            concurrency: 1,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// The most pipelines `--concurrency` may keep in flight: enough to load two services on one
/// machine, few enough that a typo cannot open thousands of sockets.
pub const MAX_CONCURRENCY: u32 = 256;

/// Parses the arguments after the program name. Both `--flag value` and `--flag=value` work.
pub fn parse(arguments: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = Args::default();
    let mut arguments = arguments.into_iter();
    while let Some(argument) = arguments.next() {
        let (flag, inline_value) = match argument.split_once('=') {
            Some((flag, value)) => (flag.to_string(), Some(value.to_string())),
            None => (argument, None),
        };
        if flag == "--help" || flag == "-h" {
            return Ok(Command::Help);
        }
        if !matches!(
            flag.as_str(),
            "--input" | "--repeat" | "--warmup" | "--concurrency" | "--timeout-ms"
        ) {
            return Err(format!("unknown argument {flag:?}; see --help"));
        }
        let value = inline_value
            .or_else(|| arguments.next())
            .ok_or_else(|| format!("{flag} needs a value; see --help"))?;
        match flag.as_str() {
            "--input" => args.input = number(&flag, &value, i32::MIN, i32::MAX)?,
            "--repeat" => args.repeat = Some(number(&flag, &value, 1, u32::MAX)?),
            "--warmup" => args.warmup = number(&flag, &value, 0, u32::MAX)?,
            "--concurrency" => args.concurrency = number(&flag, &value, 1, MAX_CONCURRENCY)?,
            _ => {
                let ms = number(&flag, &value, 1, 3_600_000)?;
                args.request_timeout = Duration::from_millis(ms);
            }
        }
    }
    Ok(Command::Run(args))
}

fn number<T>(flag: &str, value: &str, min: T, max: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match value.trim().parse::<T>() {
        Ok(number) if number >= min && number <= max => Ok(number),
        _ => Err(format!(
            "{flag} expects a whole number from {min} to {max}, got {value:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn no_flags_means_input_42_once() {
        assert_eq!(parse_str(""), Ok(Command::Run(Args::default())));
    }

    #[test]
    fn every_flag_is_read_in_both_spellings() {
        let expected = Args {
            input: -5,
            repeat: Some(100),
            warmup: 10,
            concurrency: 8,
            request_timeout: Duration::from_millis(250),
        };
        let spaced =
            parse_str("--input -5 --repeat 100 --warmup 10 --concurrency 8 --timeout-ms 250");
        assert_eq!(spaced, Ok(Command::Run(expected.clone())));
        let joined =
            parse_str("--input=-5 --repeat=100 --warmup=10 --concurrency=8 --timeout-ms=250");
        assert_eq!(joined, Ok(Command::Run(expected)));
    }

    #[test]
    fn warmup_defaults_to_none_and_may_be_zero() {
        let Ok(Command::Run(args)) = parse_str("--repeat 5") else {
            panic!("--repeat 5 must parse");
        };
        assert_eq!(args.warmup, 0);
        let Ok(Command::Run(args)) = parse_str("--repeat 5 --warmup 0") else {
            panic!("--warmup 0 must parse");
        };
        assert_eq!(args.warmup, 0);
        let error = parse_str("--repeat 5 --warmup -1").unwrap_err();
        assert!(
            error.contains("--warmup") && error.contains("\"-1\""),
            "{error}"
        );
    }

    #[test]
    fn the_largest_i32_is_a_valid_input() {
        let Ok(Command::Run(args)) = parse_str("--input 2147483647") else {
            panic!("the largest i32 must parse");
        };
        assert_eq!(args.input, i32::MAX);
    }

    #[test]
    fn bad_values_name_the_flag_and_the_value() {
        let error = parse_str("--input abc").unwrap_err();
        assert!(
            error.contains("--input") && error.contains("\"abc\""),
            "{error}"
        );
        assert!(parse_str("--input 2147483648").is_err());
        assert!(parse_str("--repeat 0").is_err());
        assert!(parse_str("--concurrency 0").is_err());
        assert!(parse_str("--concurrency 100000").is_err());
        assert!(parse_str("--timeout-ms 0").is_err());
        assert!(parse_str("--repeat").unwrap_err().contains("needs a value"));
        assert!(
            parse_str("--frobnicate")
                .unwrap_err()
                .contains("unknown argument")
        );
    }

    #[test]
    fn help_wins() {
        assert_eq!(parse_str("--input 1 --help"), Ok(Command::Help));
    }
}
