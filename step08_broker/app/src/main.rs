//! Step 08: the components are workers behind RabbitMQ; the app publishes a request to a queue
//! and waits for the reply.
//!
//! Run it with `cargo run` in `step08_broker/` once RabbitMQ is up (the README says how): the app
//! starts one worker of each kind itself.

use app::local_workers::LocalWorkers;
use app::pipeline::run_pipeline;
use app::rpc::RpcClient;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    println!(
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + workers)"
    );
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    // Connect first: if RabbitMQ is not there, that is the one line the reader sees.
    let client = RpcClient::connect(Duration::from_secs(30)).await?;
    // Stopped when `_workers` is dropped, at the end of this function.
    let _workers = LocalWorkers::start()?;

    let request_id = format!("app-{}", std::process::id());
    let result = run_pipeline(&client, &client, 42, &request_id).await;
    client.close().await;
    result?;
    println!("\nExecution complete");
    Ok(())
}
