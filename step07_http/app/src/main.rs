//! Step 07: the components behind HTTP (axum), the app their client (reqwest). Run it with
//! `cargo run` from `step07_http/`.

use std::io;
use std::process::ExitCode;

use app::http::{HttpProcessor, HttpService, HttpTransformer};
use app::pipeline::run_pipeline;
use axum::Router;
use tokio::net::TcpListener;

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

/// Where a service is: the URL in `variable` if it is set (a service running elsewhere); if not,
/// `router` (the service's routes) served by this process, on a port the OS picks (`:0`), in a
/// task of its own that ends with the process. Either way the app calls it over HTTP.
async fn url_or_serve(variable: &str, name: &'static str, router: Router) -> io::Result<String> {
    if let Ok(url) = std::env::var(variable) {
        return Ok(url);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    // The task's `Result` is dropped: if serving fails, the next call to it fails `Unavailable`.
    tokio::spawn(common::server::serve(name, listener, router));
    Ok(url)
}
