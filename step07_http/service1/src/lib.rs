//! Service1: component1 behind HTTP. [`router`] is the whole service; `main.rs` serves it alone,
//! the app serves it in its own process under `cargo run`.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::server::{ApiError, not_found};
use common::{ProcessResult, ValueRequest};
use component1::Component1;

/// `POST /process` is answered by `process`; any other request by `not_found`, a 404.
pub fn router() -> Router {
    Router::new()
        .route("/process", post(process))
        .fallback(not_found)
}

/// axum builds a handler's argument from the request, by its type: here the body read as JSON,
/// or why it could not be (a `JsonRejection`: not JSON, not sent as JSON, a missing field, a
/// string for a number...). What the handler returns is the answer: `Json(result)` a 200, an
/// `ApiError` its status with `{"error": "..."}`. `?` makes a rejection an `ApiError` with
/// axum's own status.
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
