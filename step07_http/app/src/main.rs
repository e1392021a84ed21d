//! Step 07: HTTP microservices. The components run in their own processes, behind HTTP (axum),
//! and the app is their client (reqwest).
//!
//! `main` finds the services (`SERVICE1_URL`, `SERVICE2_URL`, or child processes it starts),
//! checks that each answers `/health`, then runs the same `run_pipeline` as steps 03 to 05.
//! Run it with `cargo run` from `step07_http/`; flags: `cargo run -- --help`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use app::child::{self, SERVICES};
use app::cli::Cli;
use app::health::wait_until_healthy;
use app::http::{self, HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::run_pipeline;
use common::shutdown::stop_requested;

// One thread is plenty for a client: while a call waits on its socket, the thread runs the others.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    common::logs::init();

    // Whichever finishes first wins. On Ctrl-C or SIGTERM, `run` is dropped mid-flight, and
    // dropping it drops the `ChildService`s inside, which kills the services this app started.
    tokio::select! {
        result = run(cli) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
        signal = stop_requested() => {
            eprintln!("error: {signal} received; stopping, and stopping the services it started");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");

    // Where each service is: the URL given, or a child process started here.
    let measuring = cli.measure.run_args();
    let (urls, children) = child::start_missing(cli.urls(), measuring.is_some()).await?;

    let timeout = Duration::from_millis(cli.timeout_ms);
    let client = http::client(timeout).context("cannot set up the HTTP client")?;
    let [service1, service2] =
        [0, 1].map(|i| HttpService::new(&client, SERVICES[i], &urls[i], timeout));
    for (title, service) in [("Service1", &service1), ("Service2", &service2)] {
        let health = wait_until_healthy(service).await?;
        let at = &service.base_url;
        println!("{title}: {} {} at {at}", health.name, health.version);
    }
    let processor = HttpProcessor(service1);
    let transformer = HttpTransformer(service2);

    // One id per pipeline, sent to both services: grep the three logs for it to follow one run.
    let app_id = format!("app-{}", std::process::id());
    // `--repeat`: the shared `measure` crate runs the pipelines and prints the `summary:` line.
    if let Some(args) = measuring {
        let (summary, error) =
            measure::repeat_concurrently(args, cli.measure.concurrency, |which| {
                let request_id = format!("{app_id}-{which}");
                let (processor, transformer) = (&processor, &transformer);
                async move {
                    let report = run_pipeline(processor, transformer, cli.input, &request_id).await;
                    report.map(drop)
                }
            })
            .await;
        for child in children {
            child.stop().await;
        }
        println!("{summary}");
        return error.map_or(Ok(()), |error| Err(error.into()));
    }

    let request_id = format!("{app_id}-1");
    let started = Instant::now();
    let report = run_pipeline(&processor, &transformer, cli.input, &request_id).await;
    let latency_us = started.elapsed().as_micros() as u64;
    let (input, ok) = (cli.input, report.is_ok());
    tracing::info!(id = %request_id, input, ok, latency_us, "pipeline finished");
    report?.print();
    if !children.is_empty() {
        let names: Vec<_> = children.iter().map(|child| child.name).collect();
        let stopped = format!("\nStopped {}", names.join(" and "));
        for child in children {
            child.stop().await;
        }
        println!("{stopped}");
    }
    println!("\nExecution complete");
    Ok(())
}
