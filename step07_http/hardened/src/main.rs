//! Step 07 hardened: the lesson's app with health checks, retries, logs, a stop on Ctrl-C or
//! SIGTERM, and `--repeat`/`--warmup`/`--concurrency` for `cargo xtask bench` and `faults`.
//! Run it with `cargo run -p hardened` from `step07_http/`; flags: `cargo run -p hardened -- --help`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use app::http::HttpService;
use app::pipeline::{CallError, Processor, Transformer, analyze, run_pipeline, validate};
use clap::Parser;
use hardened::deadline::Deadline;
use hardened::health::wait_until_healthy;
use hardened::launch::{Service, build_if_run_by_cargo};
use hardened::retry::Retrying;
use hardened::shutdown::stop_requested;

/// Step 07 hardened: the pipeline over HTTP. A service whose URL is not given is started here
/// (the hardened binary next to this one) and stopped at the end.
#[derive(Parser, Debug)]
#[command(version)]
struct Cli {
    /// The value sent through the pipeline
    #[arg(
        long,
        value_name = "N",
        default_value_t = 42,
        allow_negative_numbers = true
    )]
    input: i32,

    /// Give up on a call after MS milliseconds (at most the lesson client's own 5000)
    #[arg(long, value_name = "MS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(1..=5000))]
    timeout_ms: u64,

    /// Where service1 runs, e.g. http://127.0.0.1:3001 (unset: start one here)
    #[arg(long, env = "SERVICE1_URL", value_name = "URL", value_parser = http_url)]
    service1_url: Option<String>,

    /// Where service2 runs, e.g. http://127.0.0.1:3002 (unset: start one here)
    #[arg(long, env = "SERVICE2_URL", value_name = "URL", value_parser = http_url)]
    service2_url: Option<String>,

    #[command(flatten)]
    measure: measure::ConcurrentRepeatArgs,
}

/// An `http://` URL: this app is built without TLS, so `https://` is refused before any call.
fn http_url(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|error| format!("not a URL ({error})"))?;
    if url.scheme() != "http" {
        return Err("only http:// URLs work here (this app is built without TLS)".into());
    }
    Ok(text.trim().trim_end_matches('/').to_string())
}

// One thread is plenty for a client that mostly waits. On the multi-threaded runtime, `main`'s
// future runs on the main thread, which is not a worker: every answer would be handed over from a
// worker thread to it, a cost the bench would measure.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // `--help` and `--version` print and exit 0; a mistake is one `error: ...` line and exit 1.
    let cli = Cli::try_parse().unwrap_or_else(|error| {
        if !error.use_stderr() {
            error.exit();
        }
        let text = error.to_string();
        eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
        std::process::exit(1)
    });
    hardened::logs::init();
    // On Ctrl-C or SIGTERM, `run` is dropped mid-flight, and with it the services it started.
    let result = tokio::select! {
        result = run(cli) => result,
        signal = stop_requested() => Err(format!("{signal} received; stopping the services started here")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    println!("\n\nPhase 07: HTTP Microservices, hardened (1 app + 2 services)\n");
    let measuring = cli.measure.run_args();
    // Measuring: the services log no line per request, which would cost more than the work.
    let env: &[(&str, &str)] = if measuring.is_some() {
        &[("RUST_LOG", "warn")]
    } else {
        &[]
    };
    if cli.service1_url.is_none() || cli.service2_url.is_none() {
        build_if_run_by_cargo(&["hardened-service1", "hardened-service2"])?;
    }
    let service1 = find_or_start(cli.service1_url.clone(), "hardened-service1", env).await?;
    let service2 = find_or_start(cli.service2_url.clone(), "hardened-service2", env).await?;
    for (name, service) in [("service1", &service1), ("service2", &service2)] {
        let health = wait_until_healthy(name, &service.url).await?;
        println!("{name}: version {} at {}", health.version, service.url);
    }

    let limit = Duration::from_millis(cli.timeout_ms);
    let http = |name, url: &str| HttpService::new(name, url).map_err(|e| e.to_string());
    let processor = Retrying(Deadline {
        inner: http("service1", &service1.url)?,
        limit,
        component: format!("service1 at {}", service1.url),
    });
    let transformer = Retrying(Deadline {
        inner: http("service2", &service2.url)?,
        limit,
        component: format!("service2 at {}", service2.url),
    });

    if let Some(args) = measuring {
        let concurrency = cli.measure.concurrency;
        let (processor, transformer, input) = (&processor, &transformer, cli.input);
        let (summary, error) = measure::repeat_concurrently(args, concurrency, |which| {
            // `app-4242-7`, or `app-4242-warmup-3`: one id per pipeline.
            let request_id = format!("app-{}-{which}", std::process::id());
            async move { quiet_pipeline(processor, transformer, input, &request_id).await }
        })
        .await;
        drop((service1, service2)); // stop them before the summary, stdout's last line
        println!("{summary}");
        return error.map_or(Ok(()), |error| Err(error.to_string()));
    }

    let request_id = format!("app-{}-1", std::process::id());
    let started = Instant::now();
    let report = run_pipeline(&processor, &transformer, cli.input, &request_id).await;
    let latency_us = started.elapsed().as_micros() as u64;
    let ok = report.is_ok();
    tracing::info!(id = %request_id, input = cli.input, ok, latency_us, "pipeline finished");
    report.map_err(|error| error.to_string())?;
    println!("\nExecution complete");
    Ok(())
}

/// How long a service started here has to say where it listens.
const START_WAIT: Duration = Duration::from_secs(10);

/// The service at `url` if given, or `binary` started here. `Service::start` waits for the
/// service's first line as long as it takes; here a service that hangs before it is given up on
/// after [`START_WAIT`] (the unfinished `start` is dropped, and with it the child: killed).
async fn find_or_start(
    url: Option<String>,
    binary: &str,
    env: &[(&str, &str)],
) -> Result<Service, String> {
    if let Some(url) = url {
        return Ok(Service { url, child: None });
    }
    match tokio::time::timeout(START_WAIT, Service::start(binary, env)).await {
        Ok(started) => started,
        Err(_) => {
            let waited = START_WAIT.as_secs();
            Err(format!(
                "{binary} did not say where it listens within {waited} s"
            ))
        }
    }
}

/// One pipeline as `run_pipeline` runs it, without printing: many run at once when measuring,
/// and their lines would interleave and cost more than the calls.
async fn quiet_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
) -> Result<(), CallError> {
    let data1 = processor.process(input, request_id).await?;
    let _valid = validate(&data1);
    let data2 = transformer.transform(data1.value, request_id).await?;
    let _analysis = analyze(&data2);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("hardened").chain(args.iter().copied()))
    }

    #[test]
    fn the_defaults_run_42_once_with_a_5_s_timeout() {
        let cli = parse(&[]).unwrap();
        assert_eq!((cli.input, cli.timeout_ms), (42, 5000));
        assert_eq!(cli.measure.run_args(), None);
    }

    #[test]
    fn a_negative_input_is_a_value_not_a_flag() {
        assert_eq!(parse(&["--input", "-7"]).unwrap().input, -7);
    }

    #[test]
    fn only_http_urls_are_taken() {
        let cli = parse(&["--service1-url", "http://127.0.0.1:3001/"]).unwrap();
        assert_eq!(cli.service1_url.as_deref(), Some("http://127.0.0.1:3001"));
        let error = parse(&["--service1-url", "https://example.invalid"]).unwrap_err();
        assert!(error.to_string().contains("only http:// URLs"), "{error}");
        assert!(parse(&["--service2-url", "x"]).is_err());
    }

    #[test]
    fn a_zero_timeout_one_past_the_lessons_and_a_word_are_refused() {
        assert!(parse(&["--timeout-ms", "0"]).is_err());
        assert!(parse(&["--timeout-ms", "5001"]).is_err());
        assert!(parse(&["--input", "ten"]).is_err());
    }
}
