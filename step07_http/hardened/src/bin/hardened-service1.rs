//! Service1 hardened: the lesson's router with `hardened::server`'s layers, served until Ctrl-C
//! or SIGTERM. `cargo run -p hardened --bin hardened-service1` from `step07_http/`.
//!
//! Environment: `PORT` (unset: any free port), `RUST_LOG` (default `info`), `WORK_MS` (simulated
//! work per request, default 0).

use std::process::ExitCode;
use std::time::Duration;

use hardened::server::{self, REQUEST_TIMEOUT};

#[tokio::main]
async fn main() -> ExitCode {
    hardened::logs::init();
    let work_ms = match server::env_number("WORK_MS", 0) {
        Ok(ms) => ms,
        Err(error) => {
            eprintln!("service1: error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let router = server::service1(Duration::from_millis(work_ms), REQUEST_TIMEOUT);
    server::serve("service1", router).await
}
