//! Service1: component1 behind HTTP.
//!
//! `POST /process` with `{"value": 42}` answers `{"value":84,"processed":true}`; a value whose
//! doubling overflows answers 422 with `{"error": "overflow: ..."}`. `GET /health` says who it is.
//! [`app`] builds the router, so `tests/routes.rs` drives it without a socket; `main.rs` serves it.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use common::json_errors::{ApiError, JsonBody, api_error};
use common::{Health, ProcessResult, ValueRequest};
use component1::Component1;

/// The whole HTTP surface of service1. `work` is simulated work per request (see `WORK_MS` in
/// `main.rs`); `request_timeout` is how long a request may take before it is answered 503.
pub fn app(work: Duration, request_timeout: Duration) -> Router {
    let routes = Router::new()
        .route("/process", post(process))
        .route("/health", get(health))
        .with_state(work);
    common::harden(routes, "service1", request_timeout)
}

/// `POST /process`. Its arguments are read from the request before it runs. `State(work)` is a
/// pattern, as in `let State(work) = state;`: `work` is the value given to `with_state`.
/// `JsonBody` is axum's `Json`, except that a body it refuses is answered in JSON too
/// (`common/src/json_errors.rs`).
async fn process(
    State(work): State<Duration>,
    JsonBody(request): JsonBody<ValueRequest>,
) -> Result<Json<ProcessResult>, ApiError> {
    if !work.is_zero() {
        tracing::info!("working for {} ms (WORK_MS)", work.as_millis());
        // An async sleep: the thread serves other requests meanwhile, as while awaiting a database.
        tokio::time::sleep(work).await;
    }
    match Component1::new().process(request.value) {
        Ok(result) => Ok(Json(result)),
        Err(overflow) => Err(api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            overflow.to_string(),
        )),
    }
}

async fn health() -> Json<Health> {
    Json(Health {
        name: "service1".into(),
        // `env!` reads a variable while compiling: Cargo sets this one to Cargo.toml's `version`.
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
