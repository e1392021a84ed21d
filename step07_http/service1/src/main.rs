//! Service1 as a program: serves `service1::app` over HTTP until Ctrl-C or SIGTERM.
//!
//! Run it with `cargo run --bin service1` from `step07_http/` (it listens on 127.0.0.1:3001), then
//! `curl -s -X POST localhost:3001/process -H 'content-type: application/json' -d '{"value":42}'`.
//!
//! Environment: `PORT` (default 3001, `0` for any free port), `BIND_ADDR` (default `127.0.0.1`),
//! `RUST_LOG` (default `info`), `WORK_MS` (simulated work per request, default 0).

use std::process::ExitCode;
use std::time::Duration;

use common::listen::env_or;
use common::timeout::DEFAULT_REQUEST_TIMEOUT;

#[tokio::main]
async fn main() -> ExitCode {
    common::logs::init();
    if let Err(error) = serve().await {
        eprintln!("service1: error: {error:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn serve() -> anyhow::Result<()> {
    let work_ms = env_or("WORK_MS", 0, "a whole number of milliseconds")?;
    let app = service1::app(Duration::from_millis(work_ms), DEFAULT_REQUEST_TIMEOUT);

    let listener = common::listen::bind("service1", 3001).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(common::shutdown::requested())
        .await?;
    tracing::info!("service1 stopped");
    Ok(())
}
