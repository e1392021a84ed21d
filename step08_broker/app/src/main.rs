//! Step 08: the components are workers behind RabbitMQ; the app publishes each request to a
//! queue and waits for the reply. `cargo run` in `step08_broker/`, once RabbitMQ is up.

use app::{pipeline::run_pipeline, rpc::RpcClient};
use std::{error::Error, process::ExitCode, time::Duration};

/// How long each call waits for its reply (connecting has its own limit, 5 s).
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> ExitCode {
    println!(
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + workers)"
    );
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run() -> Result<(), Box<dyn Error>> {
    let client = RpcClient::connect(REPLY_TIMEOUT).await?;
    let request_id = format!("app-{}", std::process::id());
    // The pipeline and both workers in one process, so that `cargo run` is one command; they
    // meet only through RabbitMQ. `select!` ends with the first to end (the pipeline, or a worker
    // that failed: a worker ends only with an `Err`) and drops, so cancels, the others.
    let result: Result<(), Box<dyn Error>> = tokio::select! {
        result = run_pipeline(&client, &client, 42, &request_id) => result.map_err(Into::into),
        Err(error) = service1::run() => Err(error.into()),
        Err(error) = service2::run() => Err(error.into()),
    };
    client.close().await;
    result?;
    println!("\nExecution complete");
    Ok(())
}
