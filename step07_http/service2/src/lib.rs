//! Service2: component2 behind HTTP. [`router`] builds the router; `main.rs` serves it.

use axum::extract::rejection::JsonRejection;
use axum::routing::post;
use axum::{Json, Router};
use common::server::{ApiError, not_found};
use common::{TransformResult, ValueRequest};
use component2::Component2;

/// The whole HTTP surface of service2: one route, and a JSON 404 for every other path.
pub fn router() -> Router {
    Router::new()
        .route("/transform", post(transform))
        .fallback(not_found)
}

/// `POST /transform`. Every `i32` has a text form: only a bad body can fail here.
async fn transform(
    body: Result<Json<ValueRequest>, JsonRejection>,
) -> Result<Json<TransformResult>, ApiError> {
    let Json(request) = body?;
    Ok(Json(Component2::new().transform(request.value)))
}
