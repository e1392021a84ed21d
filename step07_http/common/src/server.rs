//! What both services do alike, kept off the lesson's reading path: a JSON [`ErrorBody`] for every
//! bad request (axum's own answers are plain text), one log line per request, and serving: in the
//! app's process ([`url_or_serve`]) or in a program of its own ([`run`]).

use std::process::ExitCode;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tokio::net::TcpListener;

use crate::ErrorBody;

/// An error answered to a client: a status and `{"error": "..."}`.
pub struct ApiError(pub StatusCode, pub String);

// What lets a handler return it: axum answers a `(status, body)` pair with both.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: self.1 })).into_response()
    }
}

/// What lets a handler write `body?`: a body axum's `Json` refused becomes an `ApiError` with
/// axum's status (415, 400, 422 or 413) and words.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError(rejection.status(), rejection.body_text())
    }
}

/// The router's `fallback`: the answer to a path no route matches.
pub async fn not_found(request: Request) -> ApiError {
    let message = format!("no route for {} {}", request.method(), request.uri().path());
    ApiError(StatusCode::NOT_FOUND, message)
}

/// For the app: the URL in the environment variable `variable` if it is set (a service running
/// elsewhere); if not, `router` served by this process in the background, on a port the OS picks,
/// until the process ends.
pub async fn url_or_serve(
    variable: &str,
    name: &'static str,
    router: Router,
) -> std::io::Result<String> {
    if let Ok(url) = std::env::var(variable) {
        return Ok(url);
    }
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    // A task of its own, beside `main`. Its `Result` is dropped: if serving fails, the next call
    // to it fails `Unavailable`.
    tokio::spawn(serve(name, listener, router));
    Ok(url)
}

/// A service's own `main`: serves `router` on `port` (or where `PORT` says) until it is stopped.
pub async fn run(service: &'static str, port: u16, router: Router) -> ExitCode {
    let served = match bind(service, port).await {
        Ok(listener) => serve(service, listener, router).await,
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

/// Serves `router` on `listener`, each request logged. The `.await` ends only if serving fails:
/// a server runs until its process ends (the app's, when the app serves it).
pub async fn serve(
    name: &'static str,
    listener: TcpListener,
    router: Router,
) -> Result<(), String> {
    // `.layer(...)` wraps every route in `log`, which gets `name` as its `State`.
    let router = router.layer(from_fn_with_state(name, log));
    axum::serve(listener, router)
        .await
        .map_err(|e| e.to_string())
}

/// Runs around every request (a *middleware*: `next.run` runs the route): one line on stderr,
/// with the `x-request-id` the app sent, the same in both services' lines for one pipeline.
async fn log(State(service): State<&'static str>, request: Request, next: Next) -> Response {
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
