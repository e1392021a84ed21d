//! What both services do the same way: answer every bad request with a JSON [`ErrorBody`]
//! (axum's own answers are plain text), and listen where `PORT` says.

use std::io::Write;

use axum::Json;
use axum::extract::Request;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;

use crate::ErrorBody;

/// The largest request body a service reads. The real bodies are about 15 bytes; refusing a
/// huge one early keeps memory bounded.
pub const BODY_LIMIT: usize = 64 * 1024;

/// An error answered to a client: a status and `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

/// A body axum's `Json` refused keeps axum's status: 415 (not sent as JSON), 400 (not JSON),
/// 422 (JSON of the wrong shape: serde's words say which field), 413 (over [`BODY_LIMIT`]).
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError(rejection.status(), rejection.body_text())
    }
}

/// The answer to a path no route matches (the router's `fallback`).
pub async fn not_found(request: Request) -> ApiError {
    let (method, path) = (request.method(), request.uri().path());
    ApiError(
        StatusCode::NOT_FOUND,
        format!("no route for {method} {path}"),
    )
}

/// Listens on 127.0.0.1 at the port in `PORT` (unset: `0`, any free port the OS picks) and
/// prints the address, `service1 listening on http://127.0.0.1:40123`: the one line a service
/// writes on stdout, which is how the app that started it learns the port.
pub async fn bind(service: &str) -> Result<TcpListener, String> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "0".to_string());
    let port: u16 = port
        .trim()
        .parse()
        .map_err(|_| format!("PORT={port:?} is not valid: expected a port from 0 to 65535"))?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error}"))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    let announce = writeln!(std::io::stdout(), "{service} listening on http://{address}");
    announce.map_err(|error| format!("cannot write to stdout: {error}"))?;
    Ok(listener)
}
