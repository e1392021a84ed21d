//! Service1: component1 behind HTTP. [`router`] is the whole service, which `main.rs` serves alone.

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::{ProcessResult, ValueRequest};
use component1::Component1;

/// `post(process)`: `process` answers `POST /process`.
pub fn router() -> Router {
    Router::new().route("/process", post(process))
}

/// A *handler*: axum calls it for each `POST /process`, and makes its parameter from the request:
/// here it reads the JSON body into a `Json<ValueRequest>` (or answers a 4xx itself), and the
/// pattern `Json(request)` takes the `ValueRequest` out of it. It answers `Ok(Json(result))`, a
/// 200, or `Err((status, text))`, which code in `common/src/server.rs` sends as
/// `{"error": text}` (you need not read it).
async fn process(
    Json(request): Json<ValueRequest>,
) -> Result<Json<ProcessResult>, (StatusCode, String)> {
    match Component1::new().process(request.value) {
        Ok(result) => Ok(Json(result)),
        Err(overflow) => Err((StatusCode::UNPROCESSABLE_ENTITY, overflow.to_string())), // 422
    }
}
