//! Service1: component1 behind HTTP.
//!
//! `POST /process` with `{"value": 42}` answers `{"value":84,"processed":true}`; a value whose
//! doubling overflows answers 422 with `{"error": "...overflow..."}`. Everything else a service
//! needs (`/health`, errors as JSON, request ids, timeout, body limit, graceful shutdown) comes
//! from `common::server`, shared with service2.
//!
//! The router is built by [`router`], so the tests in `tests/routes.rs` drive it without a
//! socket; `src/main.rs` only serves it.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use common::server::{ApiError, JsonBody, ServerConfig, ServiceInfo, finish_router};
use common::{ProcessResult, REQUEST_ID_HEADER, ValueRequest};
use component1::Component1;

pub const INFO: ServiceInfo = ServiceInfo {
    name: "service1",
    version: env!("CARGO_PKG_VERSION"),
    default_port: 3001,
};

/// Simulated work per request (env `WORK_MS`, default 0): a stand-in for the database or the
/// computation a real service waits on. Tests use it to make a slow service; measurements use it
/// to show what `--concurrency` buys.
#[derive(Debug, Clone, Copy)]
struct Work {
    duration: Duration,
    log: bool,
}

/// The whole HTTP surface of service1.
pub fn router(config: &ServerConfig, work: Duration) -> Router {
    let work = Work {
        duration: work,
        log: config.log_requests,
    };
    let routes = Router::new()
        .route("/process", post(process))
        .with_state(work);
    finish_router(routes, &INFO, config)
}

async fn process(
    State(work): State<Work>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ValueRequest>,
) -> Result<Json<ProcessResult>, ApiError> {
    if !work.duration.is_zero() {
        if work.log {
            let id = headers
                .get(REQUEST_ID_HEADER)
                .and_then(|id| id.to_str().ok());
            eprintln!(
                "service1 id={} working for {} ms (WORK_MS)",
                id.unwrap_or("?"),
                work.duration.as_millis()
            );
        }
        // An async sleep: the worker thread serves other requests meanwhile, like a service
        // waiting on a database would.
        tokio::time::sleep(work.duration).await;
    }
    Component1::new()
        .process(request.value)
        .map(Json)
        .map_err(|overflow| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, overflow.to_string()))
}
