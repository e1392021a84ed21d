//! Service1: component1 behind HTTP. [`router`] builds the router, so `tests/routes.rs` drives it
//! without a socket; `main.rs` serves it.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::server::{ApiError, not_found};
use common::{ProcessResult, ValueRequest};
use component1::Component1;

/// The whole HTTP surface of service1: one route, and a JSON 404 for every other path.
pub fn router() -> Router {
    Router::new()
        .route("/process", post(process))
        .fallback(not_found)
}

/// `POST /process`. axum builds each argument of a handler from the request, by its type (an
/// *extractor*): here the body, read as JSON. As a `Result`, it also hands over a body it could
/// not read, which `?` answers as a JSON error (`From<JsonRejection> for ApiError`, in `common`).
async fn process(
    body: Result<Json<ValueRequest>, JsonRejection>,
) -> Result<Json<ProcessResult>, ApiError> {
    let Json(request) = body?;
    match Component1::new().process(request.value) {
        Ok(result) => Ok(Json(result)),
        Err(overflow) => Err(ApiError(
            StatusCode::UNPROCESSABLE_ENTITY,
            overflow.to_string(),
        )),
    }
}
