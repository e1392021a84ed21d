//! Step 08: the components are workers behind RabbitMQ; the app publishes each request to a
//! queue and waits for the reply. `cargo run` in `step08_broker/`, once RabbitMQ is up.

use app::{local_workers::LocalWorkers, pipeline::run_pipeline, rpc::RpcClient};
use std::{error::Error, process::ExitCode, time::Duration};

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
