//! Step 07: the app calls service1 and service2 over HTTP. Run it with `cargo run`.

use std::process::ExitCode;

use app::http::HttpService;
use app::pipeline::run_pipeline;
use common::server::url_or_serve;

// An `async fn` does nothing until a runtime runs it: this starts tokio's, and runs `main` on it.
#[tokio::main]
async fn main() -> ExitCode {
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

// `Box<dyn Error>` holds any error type: `?` turns each of the three kinds of error met here
// (binding a port, building the client, a call) into one.
async fn run() -> Result<(), Box<dyn std::error::Error>> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");
    // The URL in `SERVICE1_URL` if set; else this process serves the router, in the background.
    let url1 = url_or_serve("SERVICE1_URL", "service1", service1::router()).await?;
    let url2 = url_or_serve("SERVICE2_URL", "service2", service2::router()).await?;
    println!("service1 at {url1}\nservice2 at {url2}");

    let processor = HttpService::new("service1", &url1)?;
    let transformer = HttpService::new("service2", &url2)?;
    // Sent with every call of this run; each service logs it on stderr with the request.
    let request_id = format!("app-{}", std::process::id());
    run_pipeline(&processor, &transformer, 42, &request_id).await?;
    println!("\nExecution complete");
    Ok(())
}
