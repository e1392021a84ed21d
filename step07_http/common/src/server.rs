//! What both services do alike, kept off the lesson's reading path (the README says what
//! `app/src/main.rs` does with it): serving a router, in the app's process ([`url_or_serve`]) or in a
//! program of its own ([`run`]), with two additions around every request: every error answered as
//! `{"error": "..."}` ([`with_json_errors`]) and one log line on stderr.

use std::process::ExitCode;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tokio::net::TcpListener;

use crate::ErrorBody;

/// The URL in the environment variable `variable`, if set; else `router`, served by this process.
pub async fn url_or_serve(variable: &str, name: &str, router: Router) -> std::io::Result<String> {
    if let Ok(url) = std::env::var(variable) {
        return Ok(url);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    // A task of its own, beside `main`, until the process ends. Its `Result` is dropped: if
    // serving fails, the next call to it fails `Unavailable`.
    tokio::spawn(serve(name.to_string(), listener, router));
    Ok(url)
}

/// A service's own `main`: serves `router` on `port` (or where `PORT` says) until it is stopped.
pub async fn run(service: &str, port: u16, router: Router) -> ExitCode {
    let served = match bind(service, port).await {
        Ok(listener) => serve(service.to_string(), listener, router).await,
        Err(error) => Err(error),
    };
    if let Err(error) = served {
        eprintln!("{service}: error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Listens on 127.0.0.1 at `PORT` if it is set, else at `port` (`0`: any free port), and says
/// where on stdout, `service1 listening on http://127.0.0.1:3001`, for whoever started it to read.
pub async fn bind(service: &str, port: u16) -> Result<TcpListener, String> {
    let (port, from) = match std::env::var("PORT") {
        Ok(text) => (text.trim().to_string(), "from PORT"),
        Err(_) => (port.to_string(), "the default: PORT sets another"),
    };
    let address = format!("127.0.0.1:{port}");
    let listener = TcpListener::bind(&address)
        .await
        .map_err(|error| format!("cannot listen on {address} ({from}): {error}"))?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    println!("{service} listening on http://{address}");
    Ok(listener)
}

/// Serves `router` on `listener`, with JSON errors and a log line per request. The `.await` ends
/// only if serving fails: a server runs until its process ends (the app's, when the app serves it).
pub async fn serve(name: String, listener: TcpListener, router: Router) -> Result<(), String> {
    // `.layer(...)` wraps every route in a *middleware*, a function run around each request; the
    // last one added runs first. `log` gets `name` as its `State`.
    let router = with_json_errors(router).layer(from_fn_with_state(name, log));
    axum::serve(listener, router)
        .await
        .map_err(|e| e.to_string())
}

/// `router`, with every error it answers given the body `{"error": "..."}`, so a client needs one
/// decoder for every failure. axum answers a body it cannot read (400, 413, 415, 422) and a
/// handler's `(StatusCode, String)` in plain text, a path no route matches with an empty 404.
pub fn with_json_errors(router: Router) -> Router {
    router.layer(from_fn(json_errors))
}

/// Error texts are a line; one longer than this (or unreadable) gives way to the status's words.
const ERROR_TEXT_LIMIT: usize = 64 * 1024;

async fn json_errors(request: Request, next: Next) -> Response {
    let asked = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value == "application/json");
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = match to_bytes(body, ERROR_TEXT_LIMIT).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
        Err(_) => String::new(),
    };
    let error = if !text.is_empty() {
        text
    } else if status == StatusCode::NOT_FOUND {
        format!("no route for {asked}")
    } else {
        // An empty 405 (`GET /process`), say: the status's own words, "Method Not Allowed".
        status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_string()
    };
    // The other headers (`allow` on a 405) stay; the body's own two describe the new body.
    parts.headers.remove(CONTENT_TYPE);
    parts.headers.remove(CONTENT_LENGTH);
    (parts, Json(ErrorBody { error })).into_response()
}

/// Runs around every request (`next.run` runs the route): one line on stderr, with the
/// `x-request-id` the app sent, the same in both services' lines for one pipeline.
async fn log(State(service): State<String>, request: Request, next: Next) -> Response {
    let asked = format!("{} {}", request.method(), request.uri().path());
    // `{:?}` prints the id in quotes, a line break in it escaped: a client cannot forge a log line.
    let id = request
        .headers()
        .get("x-request-id")
        .map_or("none".into(), |id| format!("{id:?}"));
    let response = next.run(request).await;
    eprintln!(
        "{service}: {asked} answered {}, request id {id}",
        response.status()
    );
    response
}
