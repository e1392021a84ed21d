//! A service run as a program of its own: listen where `PORT` says, serve until stopped.

use std::process::ExitCode;

use axum::Router;
use tokio::net::TcpListener;

use super::serve;

/// A service's `main`: serves `router` where `PORT` says until the process is stopped.
pub async fn run(service: &'static str, router: Router) -> ExitCode {
    let served = match bind(service).await {
        Ok(listener) => serve(service, listener, router).await,
        Err(error) => Err(error),
    };
    if let Err(error) = served {
        eprintln!("{service}: error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Listens on 127.0.0.1 at `PORT` (unset: `0`, any free port the OS picks), and says where on
/// stdout, `service1 listening on http://127.0.0.1:40123`, for whoever started it to read.
pub async fn bind(service: &str) -> Result<TcpListener, String> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".to_string());
    let address = format!("127.0.0.1:{}", port.trim());
    let listener = TcpListener::bind(&address)
        .await
        .map_err(|error| format!("cannot listen on {address} (from PORT): {error}"))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    println!("{service} listening on http://{address}");
    Ok(listener)
}
