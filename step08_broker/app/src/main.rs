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
//! - `main.rs` (this file): connect, get workers, run the pipeline (or measure it), clean up.
//! - `pipeline.rs`: the `Processor` / `Transformer` contract and `run_pipeline`, as in step 07.
//! - `rpc.rs`: request/reply over RabbitMQ, and the broker-backed processor and transformer.
//! - `local_workers.rs`: building and starting the worker processes for `--workers local`.
//! - `cli.rs`: the command line.

mod cli;
mod local_workers;
mod pipeline;
mod rpc;

use cli::{Cli, Workers};
use local_workers::LocalWorkers;
use measure::Which;
use pipeline::run_pipeline;
use rpc::{BrokerProcessor, BrokerTransformer, RpcClient};
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_checked();
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
    let client = Arc::new(RpcClient::connect(&cli.broker, cli.timeout()).await?);
    let measuring = cli.measure.run_args().is_some();
    let workers = match cli.workers {
        Workers::Local => {
            Some(LocalWorkers::start(&client, cli.service1_workers(), measuring).await?)
        }
        Workers::External => {
            client.say_if_no_worker().await?;
            None
        }
    };
    let processor = BrokerProcessor {
        client: client.clone(),
        chatter: !measuring,
    };
    let transformer = BrokerTransformer {
        client: client.clone(),
        chatter: !measuring,
    };
    // Each pipeline's request id starts the correlation ids of its two calls.
    let id = format!("app-{}", std::process::id());

    let work = async {
        match cli.measure.run_args() {
            None => {
                let mut stdout = std::io::stdout();
                run_pipeline(
                    &processor,
                    &transformer,
                    cli.input,
                    &format!("{id}-1"),
                    &mut stdout,
                )
                .await?;
                println!("\nExecution complete");
                Ok(())
            }
            Some(run) => {
                let (processor, transformer) = (&processor, &transformer);
                // Replies dropped during the warm-up are not the measured run's.
                let dropped_before = Cell::new(0);
                let (summary, error) =
                    measure::repeat_concurrently(run, cli.measure.concurrency, |which| {
                        if which == Which::Measured(1) {
                            dropped_before.set(client.dropped_replies());
                        }
                        let request_id = format!("{id}-{which}");
                        async move {
                            let mut sink = std::io::sink();
                            run_pipeline(processor, transformer, cli.input, &request_id, &mut sink)
                                .await
                        }
                    })
                    .await;
                // Duplicates (at-least-once) and late replies, dropped by `rpc::route_replies`.
                let dropped = client.dropped_replies() - dropped_before.get();
                let summary = summary.with("dropped_replies", dropped);
                if error.is_none() {
                    println!("\nExecution complete");
                }
                println!("{summary}");
                error.map_or(Ok(()), |error| Err(error.into()))
            }
        }
    };
    let result = tokio::select! {
        result = work => result,
        reason = common::shutdown::requested(false) => {
            Err(anyhow::anyhow!("{reason}: stopped before the pipeline finished"))
        }
    };

    client.close().await;
    if let Some(workers) = workers {
        workers.stop();
    }
    result
}
