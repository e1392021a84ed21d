//! Step 07: HTTP microservices. The components run in their own processes, behind HTTP (axum),
//! and the app is their client (reqwest): it starts the services, runs the pipeline, prints.
//! Run it with `cargo run` from `step07_http/`; flags: `cargo run -- --help`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use app::cli::Cli;
use app::http::{HttpProcessor, HttpTransformer};
use app::pipeline::run_pipeline;
use app::{child, health, repeat};
use common::shutdown::stop_requested;

// One thread is plenty for a client: while a call waits on its socket, the thread runs the others.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    common::logs::init();

    // `select!` waits for both and keeps whichever finishes first. On Ctrl-C or SIGTERM, `run` is
    // dropped mid-flight, and with it the child services it started: dropping one kills it.
    let result = tokio::select! {
        result = run(cli) => result,
        signal = stop_requested() => {
            let stopping = "stopping, and stopping the services it started";
            Err(anyhow::anyhow!("{signal} received; {stopping}"))
        }
    };
    // `{error:#}` prints anyhow's error with its causes on one line: `context: cause: cause`.
    if let Err(error) = result {
        eprintln!("error: {error:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");

    // 1. The services. `urls: [String; 2]` holds service1's and service2's: the one given
    // (`SERVICE1_URL`...), or that of a child process started here, kept in `children`.
    // `quiet` is for `--repeat` (measuring, not the lesson): the children then log no line per
    // request, which would cost more than the work.
    let quiet = cli.measure.run_args().is_some();
    let (urls, children) = child::start_missing(cli.urls(), quiet).await?;
    // `check_both` makes the one HTTP client both services share (`http::client`), then waits
    // until each answers `GET /health` as the service it should be.
    let timeout = Duration::from_millis(cli.timeout_ms);
    let [service1, service2] = health::check_both(&urls, timeout).await?;
    let processor = HttpProcessor(service1);
    let transformer = HttpTransformer(service2);

    // `--repeat N` runs the pipeline N times and prints a `summary:` line instead.
    if let Some(args) = cli.measure.run_args() {
        return repeat::run(args, &cli, &processor, &transformer, children).await;
    }

    // 2. The pipeline, with an id both services log: grep the three logs for it.
    let request_id = format!("app-{}-1", std::process::id());
    let started = Instant::now();
    let report = run_pipeline(&processor, &transformer, cli.input, &request_id).await;
    let latency_us = started.elapsed().as_micros() as u64;
    let (input, ok) = (cli.input, report.is_ok());
    // `%request_id` logs it as text (`Display`), not as `Debug`'s quoted string.
    tracing::info!(id = %request_id, input, ok, latency_us, "pipeline finished");

    // 3. Print what it found, and stop the services started here.
    report?.print();
    child::stop_all(children).await;
    println!("\nExecution complete");
    Ok(())
}
