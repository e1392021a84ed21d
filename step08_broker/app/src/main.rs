//! Step 08: the components are workers behind RabbitMQ; the app publishes each request to a
//! worker's queue and waits for the reply. `cargo run` in `step08_broker/`, once RabbitMQ is up.

use app::{pipeline::run_pipeline, rpc::RpcClient};
use common::broker::connect;
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
    let broker = connect("app").await?; // "app": the connection's name in RabbitMQ's web UI
    let timeout = Duration::from_secs(30); // how long a call waits for its reply
    let client = RpcClient { broker, timeout }; // both the processor and the transformer
    let request_id = format!("app-{}", std::process::id());
    // The workers run here too (one command), but meet the pipeline only through RabbitMQ.
    // `select!` runs the three futures at once and goes on with the first one to finish:
    // - the pipeline, which finishes with its result (`result =` takes any value);
    // - or a worker, which finishes only with an error (`Err(error) =` takes only that).
    // The other two are then dropped, which stops them: a future runs only while it is awaited.
    tokio::select! {
        result = run_pipeline(&client, &client, 42, &request_id) => result?,
        Err(error) = service1::run() => return Err(error.into()),
        Err(error) = service2::run() => return Err(error.into()),
    }
    println!("\nExecution complete");
    Ok(())
}
