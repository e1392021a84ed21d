//! Step 07: the components behind HTTP (axum) in processes of their own, the app their client
//! (reqwest). Run it with `cargo run` from `step07_http/`.

use std::process::ExitCode;

use app::http::{HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::run_pipeline;
use app::services::{Service, build_if_run_by_cargo};

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
    build_if_run_by_cargo(&["service1", "service2"])?;
    let service1 = Service::from_env_or_start("SERVICE1_URL", "service1").await?;
    let service2 = Service::from_env_or_start("SERVICE2_URL", "service2").await?;
    println!("service1 at {}\nservice2 at {}", service1.url, service2.url);

    let processor = HttpProcessor(HttpService::new("service1", &service1.url)?);
    let transformer = HttpTransformer(HttpService::new("service2", &service2.url)?);
    // One id for the whole run: each service logs it with the request it answered.
    let request_id = format!("app-{}", std::process::id());
    run_pipeline(&processor, &transformer, 42, &request_id).await?;
    println!("\nExecution complete");
    Ok(())
} // `service1` and `service2` are dropped here (or at a `?`): each kills the child it started.
