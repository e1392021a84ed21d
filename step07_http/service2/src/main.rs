//! Service2 as a program: serves `service2::router` over HTTP.
//!
//! Run it with `cargo run -p service2` from `step07_http/` (it listens on 127.0.0.1:3002), then
//! `curl -s -X POST localhost:3002/transform -H 'content-type: application/json' -d '{"value":84}'`.
//!
//! Environment: `PORT` (default 3002, `0` for any free port), `BIND_ADDR` (default `127.0.0.1`),
//! `REQUEST_LOG` (`on`/`off`).

use std::process::ExitCode;

use common::server::run;

#[tokio::main]
async fn main() -> ExitCode {
    run(&service2::INFO, |config| Ok(service2::router(config))).await
}
