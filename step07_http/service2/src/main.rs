//! Service1 as a program: serves `service2::app` over HTTP until it is stopped.
//!
//! The app starts it by itself. To run it alone, from `step07_http/`:
//! `cargo run --bin service2` (it listens on a free port and prints which; set `PORT=3002` to
//! choose one), then `curl` it as the README shows.

use std::process::ExitCode;

// `#[tokio::main]` turns this `async fn main` into a plain `main` that starts tokio's runtime
// and runs the body on it until it ends.
#[tokio::main]
async fn main() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("service2: error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let listener = common::server::bind("service2").await?;
    // Serves requests until the process is stopped: this `.await` does not end on its own.
    let serving = axum::serve(listener, service2::app()).await;
    serving.map_err(|error| error.to_string())
}
