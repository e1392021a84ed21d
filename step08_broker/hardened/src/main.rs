//! Step 08 hardened: the lesson's app with the flags `cargo xtask bench`, `faults` and
//! docker compose use: `--workers local|external`, `--service1-workers N`, `--timeout-ms`,
//! `--input`, and `--repeat/--warmup/--concurrency` measured by `bench/measure`.
//!
//! Run it with `cargo run -p hardened -- --repeat 100 --concurrency 8` in `step08_broker/`.

use app::pipeline::{CallError, Processor, Transformer, analyze, run_pipeline, validate};
use clap::Parser;
use hardened::cli::{Cli, Workers};
use hardened::fast_rpc::SharedRpcClient;
use hardened::local_workers::LocalWorkers;
use hardened::worker::hide_password;
use measure::RunArgs;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(), // --help, --version
        Err(error) => {
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::FAILURE;
        }
    };
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn Error>> {
    println!(
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + workers)"
    );
    let connect = SharedRpcClient::connect(Duration::from_millis(cli.timeout_ms));
    let client = connect.await.map_err(|error| hide_password(&error))?;
    let service1_count = cli.service1_workers.map_or(1, usize::from);
    let run_args = cli.measure.run_args();
    let _workers = match cli.workers {
        Workers::Local => Some(LocalWorkers::start(service1_count, run_args.is_some()).await?),
        Workers::External => None,
    };
    let pid = std::process::id();
    let result = match run_args {
        None => {
            let id = format!("app-{pid}");
            let result = run_pipeline(&client, &client, cli.input, &id).await;
            result.map(|()| println!("\nExecution complete"))
        }
        Some(run) => repeat(&client, run, cli.measure.concurrency, cli.input).await,
    };
    client.close().await;
    result?;
    Ok(())
}

/// `--repeat`: the pipeline's calls without its output, measured; prints the `summary:` line.
async fn repeat(
    client: &SharedRpcClient,
    run: RunArgs,
    concurrency: usize,
    input: i32,
) -> Result<(), CallError> {
    let pid = std::process::id();
    let pipelines = measure::repeat_concurrently(run, concurrency, |which| {
        // Each pipeline's request id is the correlation id of its two calls, in the workers' logs.
        let id = format!("app-{pid}-{which}");
        async move { quiet_pipeline(client, input, &id).await }
    });
    let (summary, error) = pipelines.await;
    if error.is_none() {
        println!("\nExecution complete");
    }
    println!("{summary}");
    error.map_or(Ok(()), Err)
}

/// `run_pipeline`'s calls and checks, printing nothing: what `--repeat` measures.
async fn quiet_pipeline(client: &SharedRpcClient, input: i32, id: &str) -> Result<(), CallError> {
    let data1 = client.process(input, id).await?;
    let _ = validate(&data1);
    let data2 = client.transform(data1.value, id).await?;
    let _ = analyze(&data2);
    Ok(())
}
