//! Service1: component1 behind HTTP. [`router`] is the whole service; `main.rs` serves it alone,
//! the app serves it in its own process under `cargo run`.

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::{ProcessResult, ValueRequest};
use component1::Component1;

/// Which function answers which request: `POST /process` is answered by `process`.
pub fn router() -> Router {
    Router::new().route("/process", post(process))
}

/// A *handler*: axum reads the body as JSON into a `ValueRequest` to call it, or answers an error
/// status itself (400, 413, 415 or 422) if it cannot. What it returns is the answer:
/// `Ok(Json(result))` a 200 with `result` as JSON, `Err((status, text))` that status and text.
async fn process(
    Json(request): Json<ValueRequest>,
) -> Result<Json<ProcessResult>, (StatusCode, String)> {
    match Component1::new().process(request.value) {
        Ok(result) => Ok(Json(result)),
        Err(overflow) => Err((StatusCode::UNPROCESSABLE_ENTITY, overflow.to_string())),
    }
}
