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
//! - `repeat.rs`: `--repeat`, the pipeline measured.
//! - `local_workers.rs`: building and starting the worker processes for `--workers local`.
//! - `cli.rs`: the command line.

mod cli;
mod local_workers;
mod pipeline;
mod repeat;
mod rpc;
mod rpc_client;

use cli::{Cli, Workers};
use common::ParseOrExit;
use local_workers::LocalWorkers;
use pipeline::run_pipeline;
use rpc::{BrokerProcessor, BrokerTransformer};
use rpc_client::RpcClient;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
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
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + workers)"
    );

    // Connect first: if RabbitMQ is unreachable, that is the one line the reader sees.
    let timeout = Duration::from_millis(cli.timeout_ms);
    // The flags for `--repeat` and `--service1-workers` (cli.rs) only tune what follows; skip
    // them on a first read. `chatter`: print who answered each call, except under `--repeat`.
    let chatter = cli.measure.run_args().is_none();
    // `Arc`: one client, shared by both stages (and by `LocalWorkers::start`'s check).
    let client = Arc::new(RpcClient::connect(&cli.broker, timeout, chatter).await?);
    // `--workers local` (the default) starts the workers here, quieter under `--repeat`.
    // Dropped when `run` returns, which stops them (see `LocalWorkers`'s `Drop`).
    let service1_count = cli.service1_workers.map_or(1, usize::from);
    let _workers = match cli.workers {
        Workers::Local => Some(LocalWorkers::start(&client, service1_count, !chatter).await?),
        Workers::External => {
            tracing::info!("external workers: each request waits in its queue until one takes it");
            None
        }
    };
    match cli.measure.run_args() {
        Some(run) => repeat::repeat(&cli, run, client).await,
        None => {
            let (processor, transformer) =
                (BrokerProcessor(client.clone()), BrokerTransformer(client));
            let (id, mut stdout) = (format!("app-{}-1", std::process::id()), std::io::stdout());
            run_pipeline(&processor, &transformer, cli.input, &id, &mut stdout).await?;
            println!("\nExecution complete");
            Ok(())
        }
    }
}
