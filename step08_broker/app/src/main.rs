//! Step 08: the components are workers behind RabbitMQ; the app publishes requests and waits
//! for the replies.
//!
//! Run it with `cargo run` from `step08_broker/` (RabbitMQ must be up at `AMQP_ADDR`, default
//! `amqp://127.0.0.1:5672/%2f`): the app starts one worker of each kind itself. To use workers
//! that run elsewhere, start them (`cargo run -p service1`, `cargo run -p service2`) and run
//! `cargo run -p app -- --workers external`.
//!
//! # Layout
//!
//! - `main.rs` (this file): connect, get workers, run the pipeline (or measure it).
//! - `pipeline.rs`: the `Processor` / `Transformer` contract and `run_pipeline`, as in step 07.
//! - `rpc.rs`: one call over RabbitMQ, the reply router, the broker-backed processor and
//!   transformer; `rpc_client.rs`: the connection, channel and reply queue they use.
//! - `local_workers.rs`: building and starting the worker processes for `--workers local`.
//! - `cli.rs`: the command line.

mod cli;
mod local_workers;
mod pipeline;
mod rpc;
mod rpc_client;

use clap::Parser;
use cli::{Cli, Workers};
use local_workers::LocalWorkers;
use measure::Which;
use pipeline::run_pipeline;
use rpc::{BrokerProcessor, BrokerTransformer};
use rpc_client::RpcClient;
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    common::init_logging();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    println!(
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + 2 workers)"
    );

    // Connect first: if RabbitMQ is unreachable, that is the one line the reader sees.
    let timeout = Duration::from_millis(cli.timeout_ms);
    let measuring = cli.measure.run_args().is_some();
    let client = Arc::new(RpcClient::connect(&cli.broker, timeout, !measuring).await?);
    // Dropped when `run` returns, which stops them (see `LocalWorkers`'s `Drop`).
    let service1_count = cli.service1_workers.map_or(1, usize::from);
    let _workers = match cli.workers {
        Workers::Local => Some(LocalWorkers::start(&client, service1_count, measuring).await?),
        Workers::External => {
            tracing::info!("external workers: each request waits in its queue until one takes it");
            None
        }
    };
    let processor = BrokerProcessor(client.clone());
    let transformer = BrokerTransformer(client.clone());

    match cli.measure.run_args() {
        None => {
            let (id, mut stdout) = (format!("app-{}-1", std::process::id()), std::io::stdout());
            run_pipeline(&processor, &transformer, cli.input, &id, &mut stdout).await?;
            println!("\nExecution complete");
            Ok(())
        }
        Some(run) => repeat(&cli, run, &client, &processor, &transformer).await,
    }
}

/// `--repeat`: the pipeline without its output, measured by the shared `measure` crate; the
/// `summary:` line adds the replies `rpc::route_replies` dropped (duplicates, late replies).
async fn repeat(
    cli: &Cli,
    run: measure::RunArgs,
    client: &RpcClient,
    processor: &BrokerProcessor,
    transformer: &BrokerTransformer,
) -> anyhow::Result<()> {
    let dropped_before_measuring = Cell::new(0);
    let pipelines = measure::repeat_concurrently(run, cli.measure.concurrency, |which| {
        if which == Which::Measured(1) {
            dropped_before_measuring.set(client.dropped_replies());
        }
        // Each pipeline's request id starts the correlation ids of its two calls.
        let id = format!("app-{}-{which}", std::process::id());
        async move { run_pipeline(processor, transformer, cli.input, &id, &mut std::io::sink()).await }
    });
    let (summary, error) = pipelines.await;
    let dropped = client.dropped_replies() - dropped_before_measuring.get();
    if error.is_none() {
        println!("\nExecution complete");
    }
    println!("{}", summary.with("dropped_replies", dropped));
    error.map_or(Ok(()), Err)
}
