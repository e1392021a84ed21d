//! Service2: component2 behind HTTP.
//!
//! `POST /transform` with `{"value": 84}` answers `{"original":84,"transformed":"Value-0084"}`.
//! Everything else a service needs (`/health`, errors as JSON, request ids, timeout, body limit,
//! graceful shutdown) comes from `common::server`, shared with service1.
//!
//! The router is built by [`router`], so the tests in `tests/routes.rs` drive it without a
//! socket; `src/main.rs` only serves it.

use axum::routing::post;
use axum::{Json, Router};
use common::server::{JsonBody, ServerConfig, ServiceInfo, finish_router};
use common::{TransformResult, ValueRequest};
use component2::Component2;

pub const INFO: ServiceInfo = ServiceInfo {
    name: "service2",
    version: env!("CARGO_PKG_VERSION"),
    default_port: 3002,
};

/// The whole HTTP surface of service2.
pub fn router(config: &ServerConfig) -> Router {
    let routes = Router::new().route("/transform", post(transform));
    finish_router(routes, &INFO, config)
}

async fn transform(JsonBody(request): JsonBody<ValueRequest>) -> Json<TransformResult> {
    Json(Component2::new().transform(request.value))
}
