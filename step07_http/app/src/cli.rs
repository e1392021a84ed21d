//! The app's command line, declared with `clap`: `--input`, `--timeout-ms`, where the services
//! are (`SERVICE1_URL`/`SERVICE2_URL`, or the flags of the same name), and the shared measurement
//! flags `--repeat`, `--warmup`, `--concurrency` from the `measure` crate.

use clap::Parser;

/// Step 07: the pipeline of steps 03 to 05, its two components reached over HTTP. A service whose
/// URL is not given is started here as a child process, and stopped at the end.
#[derive(Parser, Debug)]
#[command(version)]
pub struct Cli {
    /// The value sent through the pipeline
    #[arg(long, value_name = "N", default_value_t = 42)]
    #[arg(allow_negative_numbers = true)]
    pub input: i32,

    /// Give up on a call after MS milliseconds
    #[arg(long, value_name = "MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub timeout_ms: u64,

    /// Where service1 runs, e.g. http://127.0.0.1:3001 (unset: start one here)
    #[arg(long, env = "SERVICE1_URL", value_name = "URL", value_parser = http_url)]
    pub service1_url: Option<String>,

    /// Where service2 runs, e.g. http://127.0.0.1:3002 (unset: start one here)
    #[arg(long, env = "SERVICE2_URL", value_name = "URL", value_parser = http_url)]
    pub service2_url: Option<String>,

    #[command(flatten)]
    pub measure: measure::ConcurrentRepeatArgs,
}

impl Cli {
    /// Parses the command line. `--help` and `--version` print and exit 0; a mistake prints one
    /// line, `error: ...`, and exits 1, like every other error of this app.
    pub fn parse_or_exit() -> Self {
        Self::try_parse().unwrap_or_else(|error| {
            if !error.use_stderr() {
                error.exit(); // `--help` or `--version`: not an error
            }
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            std::process::exit(1)
        })
    }

    /// The URLs given for service1 and service2; `None` (also for an empty one): start it here.
    pub fn urls(&self) -> [Option<String>; 2] {
        [&self.service1_url, &self.service2_url].map(|url| url.clone().filter(|u| !u.is_empty()))
    }
}

/// An `http://` URL. This app is built without TLS, so `https://` is refused here, before any
/// call, rather than failing on the first one. An empty value stays empty: it means "unset".
fn http_url(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    let url = reqwest::Url::parse(text.trim()).map_err(|error| format!("not a URL ({error})"))?;
    if url.scheme() != "http" {
        return Err("only http:// URLs work here (this app is built without TLS)".into());
    }
    Ok(text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
    }

    #[test]
    fn the_defaults_run_42_once_with_a_5_s_timeout() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.input, 42);
        assert_eq!(cli.timeout_ms, 5000);
        assert_eq!(cli.measure.run_args(), None);
    }

    #[test]
    fn a_negative_input_is_a_value_not_a_flag() {
        assert_eq!(parse(&["--input", "-7"]).unwrap().input, -7);
    }

    #[test]
    fn only_http_urls_are_taken() {
        let cli = parse(&["--service1-url", "http://127.0.0.1:3001"]).unwrap();
        assert_eq!(cli.service1_url.as_deref(), Some("http://127.0.0.1:3001"));
        let error = parse(&["--service1-url", "https://example.invalid"]).unwrap_err();
        assert!(error.to_string().contains("only http:// URLs"), "{error}");
        assert!(parse(&["--service2-url", "x"]).is_err());
        assert_eq!(parse(&["--service2-url", ""]).unwrap().urls()[1], None);
    }

    #[test]
    fn a_zero_timeout_and_a_word_are_refused() {
        assert!(parse(&["--timeout-ms", "0"]).is_err());
        assert!(parse(&["--input", "ten"]).is_err());
    }
}
