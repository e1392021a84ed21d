//! Step 07: the app calls component1 and component2 over HTTP. `cargo run` serves both services
//! from this process; `SERVICE1_URL` and `SERVICE2_URL` point it at services running elsewhere.

use std::process::ExitCode;

use app::http::{HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::run_pipeline;
use common::server::url_or_serve;

// `main` is `async` now, and an `async fn` does nothing until something runs it: this attribute
// starts tokio's runtime and runs `main` on it.
#[tokio::main]
async fn main() -> ExitCode {
    if let Err(error) = run().await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");
    // Each URL: the variable's if it is set; if not, this process serves the router in the
    // background, on a port the OS picks (`url_or_serve`, in `common/src/server.rs`).
    let url1 = url_or_serve("SERVICE1_URL", "service1", service1::router()).await?;
    let url2 = url_or_serve("SERVICE2_URL", "service2", service2::router()).await?;
    println!("service1 at {url1}\nservice2 at {url2}");

    let processor = HttpProcessor(HttpService::new("service1", &url1)?);
    let transformer = HttpTransformer(HttpService::new("service2", &url2)?);
    // One id for the whole run: each service logs it with the request it answered.
    let request_id = format!("app-{}", std::process::id());
    run_pipeline(&processor, &transformer, 42, &request_id).await?;
    println!("\nExecution complete");
    Ok(())
}
