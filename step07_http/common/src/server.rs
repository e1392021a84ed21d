//! What both services do alike: answer every bad request with a JSON [`ErrorBody`] (axum's own
//! answers are plain text), and listen where `PORT` says.

use std::io::Write;
use std::process::ExitCode;

use axum::extract::Request;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tokio::net::TcpListener;

use crate::ErrorBody;

/// An error answered to a client: a status and `{"error": "..."}`.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

/// A body axum's `Json` refused keeps axum's status: 415 (not sent as JSON), 400 (not JSON),
/// 422 (JSON of the wrong shape: serde's words say which field), 413 (over axum's 2 MB limit).
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError(rejection.status(), rejection.body_text())
    }
}

/// The answer to a path no route matches (the router's `fallback`).
pub async fn not_found(request: Request) -> ApiError {
    let message = format!("no route for {} {}", request.method(), request.uri().path());
    ApiError(StatusCode::NOT_FOUND, message)
}

/// A service's `main`: serves `router` until stopped; a failure is one line and exit status 1.
pub async fn run(service: &str, router: Router) -> ExitCode {
    let served = match bind(service).await {
        // This `.await` ends only if serving fails: a server runs until it is stopped.
        Ok(socket) => axum::serve(socket, router).await.map_err(|e| e.to_string()),
        Err(error) => Err(error),
    };
    let Err(error) = served else {
        return ExitCode::SUCCESS;
    };
    eprintln!("{service}: error: {error}");
    ExitCode::FAILURE
}

/// Listens on 127.0.0.1 at `PORT` (unset: `0`, a free port) and prints its one line on stdout,
/// `service1 listening on http://127.0.0.1:40123`: how the app that started it learns the port.
pub async fn bind(service: &str) -> Result<TcpListener, String> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".to_string());
    let invalid = format!("PORT={port:?} is not valid: expected a port from 0 to 65535");
    let port: u16 = port.trim().parse().map_err(|_| invalid)?;
    let listener = TcpListener::bind(("127.0.0.1", port)).await;
    let listener = listener.map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let announce = writeln!(std::io::stdout(), "{service} listening on http://{address}");
    announce.map_err(|e| format!("cannot write to stdout: {e}"))?;
    Ok(listener)
}
