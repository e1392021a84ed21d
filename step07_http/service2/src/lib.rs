//! Service2: component2 behind HTTP.
//!
//! `POST /transform` with `{"value": 84}` answers `{"original":84,"transformed":"Value-0084"}`.
//! `GET /health` says who it is. [`app`] builds the router, so the tests in `tests/routes.rs`
//! drive it without a socket; `src/main.rs` serves it.

use std::time::Duration;

use axum::routing::{get, post};
use axum::{Json, Router};
use common::json_errors::JsonBody;
use common::{Health, TransformResult, ValueRequest};
use component2::Component2;

/// The whole HTTP surface of service2.
pub fn app(request_timeout: Duration) -> Router {
    let routes = Router::new()
        .route("/transform", post(transform))
        .route("/health", get(health));
    common::harden(routes, "service2", request_timeout)
}

async fn transform(JsonBody(request): JsonBody<ValueRequest>) -> Json<TransformResult> {
    Json(Component2::new().transform(request.value))
}

async fn health() -> Json<Health> {
    Json(Health {
        name: "service2".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
