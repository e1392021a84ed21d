//! Every bad request is answered with a JSON error, `{"error": "..."}`, never axum's plain text:
//! a client then needs one decoder for every failure, whatever the status.
//!
//! - an unknown route (404) and a wrong method (405): [`not_found`] and [`method_not_allowed`],
//!   installed as the router's fallbacks by [`crate::harden`];
//! - through the [`JsonBody`] extractor: a missing or wrong content type (415), malformed JSON
//!   (400), JSON of the wrong shape (422) and a body over [`BODY_LIMIT`] (413);
//! - a handler's own refusal, such as service1's overflow (422): an [`ApiError`].

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::ErrorBody;

/// The largest request body a service reads. The real bodies are about 15 bytes; anything near
/// this size is a mistake or an attack, and refusing it early keeps memory bounded.
pub const BODY_LIMIT: usize = 64 * 1024;

/// An error answered to a client: a status and a JSON body `{"error": "..."}`.
pub type ApiError = (StatusCode, Json<ErrorBody>);

/// The [`ApiError`] with this status and message.
pub fn api_error(status: StatusCode, message: impl Into<String>) -> ApiError {
    let error = message.into();
    (status, Json(ErrorBody { error }))
}

/// `axum::Json`, except that a body it refuses is answered with a JSON [`ErrorBody`] instead of
/// axum's plain text. The status stays axum's, and it is the one the contract asks for.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let parsed = Json::<T>::from_request(request, state).await;
        let Json(value) = parsed.map_err(rejection_to_error)?;
        Ok(Self(value))
    }
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!("the body is larger than {BODY_LIMIT} bytes"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "the body must be JSON, sent with the header `content-type: application/json`".into()
        }
        // serde's own words say what is wrong and where ("missing field `value` at line 1").
        _ => rejection.body_text(),
    };
    api_error(status, message)
}

/// The answer to a path no route matches.
pub async fn not_found(request: Request) -> ApiError {
    let (method, path) = (request.method(), request.uri().path());
    let message = format!("no route for {method} {path}");
    api_error(StatusCode::NOT_FOUND, message)
}

/// The answer to a known path asked with a method it does not take (`GET /process`).
pub async fn method_not_allowed(request: Request) -> ApiError {
    let (method, path) = (request.method(), request.uri().path());
    let message = format!("{method} is not allowed on {path}");
    api_error(StatusCode::METHOD_NOT_ALLOWED, message)
}
