//! What both services do alike: a JSON [`ErrorBody`] for every bad request (axum's own answers
//! are plain text), one log line per request, and serving on a socket. A service run alone
//! (its `main.rs`) also uses [`run`] and [`bind`], in `server/alone.rs`.

mod alone;
pub use alone::{bind, run};

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
