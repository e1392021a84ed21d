//! Step 07: HTTP services. The components run in processes of their own, behind HTTP (axum),
//! and the app is their client (reqwest): it finds or starts the two services, runs the
//! pipeline over HTTP, prints, and stops the services it started.
//!
//! Run it with `cargo run` from `step07_http/`.

use std::process::ExitCode;
use std::time::Duration;

use app::http::{HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::run_pipeline;
use app::services::{Service, build_if_run_by_cargo};

/// How long the app waits for one answer, connection included.
const TIMEOUT: Duration = Duration::from_secs(2);

// `#[tokio::main]` turns this `async fn main` into a plain `main` that starts tokio's runtime,
// the part that runs futures, and runs the body on it to the end.
#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");

    build_if_run_by_cargo(&["service1", "service2"])?;
    let service1 = Service::from_env_or_start("SERVICE1_URL", "service1").await?;
    let service2 = Service::from_env_or_start("SERVICE2_URL", "service2").await?;
    println!("service1 at {}", service1.url);
    println!("service2 at {}", service2.url);

    let processor = HttpProcessor(HttpService::new("service1", &service1.url, TIMEOUT)?);
    let transformer = HttpTransformer(HttpService::new("service2", &service2.url, TIMEOUT)?);
    let request_id = format!("app-{}", std::process::id());
    run_pipeline(&processor, &transformer, 42, &request_id).await?;

    println!("\nExecution complete");
    Ok(())
    // `service1` and `service2` are dropped here, or at the `?` that returned early: each kills
    // the process it started.
}
