//! Service2 as a program: serves `service2::app` over HTTP until Ctrl-C or SIGTERM.
//!
//! Run it with `cargo run --bin service2` from `step07_http/` (it listens on 127.0.0.1:3002), then
//! `curl -s -X POST localhost:3002/transform -H 'content-type: application/json' -d '{"value":84}'`.
//!
//! Environment: `PORT` (default 3002, `0` for any free port), `BIND_ADDR` (default `127.0.0.1`),
//! `RUST_LOG` (default `info`).

use std::process::ExitCode;

use common::timeout::DEFAULT_REQUEST_TIMEOUT;

#[tokio::main]
async fn main() -> ExitCode {
    common::logs::init();
    if let Err(error) = serve().await {
        eprintln!("service2: error: {error:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn serve() -> anyhow::Result<()> {
    let app = service2::app(DEFAULT_REQUEST_TIMEOUT);

    let listener = common::listen::bind("service2", 3002).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(common::shutdown::requested())
        .await?;
    tracing::info!("service2 stopped");
    Ok(())
}
