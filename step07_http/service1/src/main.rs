//! Service1 as a program: serves `service1::router` over HTTP.
//!
//! Run it with `cargo run -p service1` from `step07_http/` (it listens on 127.0.0.1:3001), then
//! `curl -s -X POST localhost:3001/process -H 'content-type: application/json' -d '{"value":42}'`.
//!
//! Environment: `PORT` (default 3001, `0` for any free port), `BIND_ADDR` (default `127.0.0.1`),
//! `REQUEST_LOG` (`on`/`off`), `WORK_MS` (simulated work per request, default 0).

use std::process::ExitCode;
use std::time::Duration;

use common::server::{env_or, run};

#[tokio::main]
async fn main() -> ExitCode {
    run(&service1::INFO, |config| {
        let work_ms = env_or("WORK_MS", 0, "a whole number of milliseconds")?;
        Ok(service1::router(config, Duration::from_millis(work_ms)))
    })
    .await
}
