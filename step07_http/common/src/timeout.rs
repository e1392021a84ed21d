//! A stuck handler cannot hold a client forever: a request still running after its time limit is
//! abandoned and answered 503, with a JSON body like every other error.
//!
//! tower-http has a `TimeoutLayer`, but it answers with an empty body, and the contract says every
//! error carries a JSON one: these few lines stay ours.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::json_errors::api_error;

/// How long a request may take inside a service before it is abandoned with a 503.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Middleware (see [`crate::harden`]): runs the rest of the service, or answers 503 after `limit`.
pub async fn answer_within(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let ms = limit.as_millis();
            let message = format!("the request took longer than {ms} ms and was abandoned");
            api_error(StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
    }
}
