//! Service2: component2 behind HTTP, service1's twin. [`router`] is the whole service; `main.rs`
//! serves it alone, the app serves it in its own process under `cargo run`.

use axum::routing::post;
use axum::{Json, Router};
use common::{TransformResult, ValueRequest};
use component2::Component2;

/// `POST /transform` is answered by `transform`.
pub fn router() -> Router {
    Router::new().route("/transform", post(transform))
}

/// Every `i32` has a text form: only a body axum cannot read fails, and axum answers that itself.
async fn transform(Json(request): Json<ValueRequest>) -> Json<TransformResult> {
    Json(Component2::new().transform(request.value))
}
