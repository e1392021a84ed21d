//! What the app and the services agree on, and what both services do the same way.
//!
//! In step 03 the `traits` crate held what the app and the components agreed on. Now the app and
//! the components live in different processes, maybe on different machines, and what they agree
//! on is no longer a Rust trait but JSON: the request body, the two result bodies, the error body
//! and the health body. Both sides use these types, so the app and the services cannot disagree on
//! a field name without the compiler noticing.
//!
//! # Layout
//!
//! - This file: the bodies, plain `serde` types with no HTTP in them; and [`harden`] (feature
//!   `server`), which wraps a service's routes in the layers below.
//! - [`json_errors`]: every bad request is answered with a JSON error, never axum's plain text.
//! - [`timeout`]: a stuck handler cannot hold a client forever.
//! - [`request_id`]: one pipeline is followed across three logs by its `x-request-id`.
//! - [`listen`]: where a service listens (`PORT`, `BIND_ADDR`), announced on stdout.
//! - [`shutdown`] (feature `shutdown`, the app uses it too): Ctrl-C or SIGTERM lets the requests in
//!   flight finish.
//! - [`logs`] (feature `logs`): `tracing` to stderr, filtered by `RUST_LOG`.
//!
//! Test it with `cargo test -p common`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
pub mod json_errors;
#[cfg(feature = "server")]
pub mod listen;
#[cfg(feature = "logs")]
pub mod logs;
#[cfg(feature = "server")]
pub mod request_id;
#[cfg(feature = "shutdown")]
pub mod shutdown;
#[cfg(feature = "server")]
pub mod timeout;

/// The body of `POST /process` and `POST /transform`: `{"value": 42}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
// An unknown field is a client bug worth a 422, not something to ignore silently.
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// What service1 answers: `{"value":84,"processed":true}`. The same type as in steps 03 to 05,
/// now with `Serialize`/`Deserialize` so it can travel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What service2 answers: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// The body of every error a service answers, whatever the status: `{"error": "..."}`.
/// One shape for every failure means a client needs one decoder, not one per status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// What `GET /health` answers: which service this is, and which version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub name: String,
    pub version: String,
}

/// The header that carries one pipeline's id from the app to both services and back, so the
/// three logs can be joined on it.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A service's own routes, wrapped in what every service needs on a network. Each layer comes
/// from the module that says what it handles. `layer` wraps everything added before it, so the
/// later a layer, the earlier it sees a request: the request id and its log line come last, so
/// the log sees every answer, the timeout's 503 and the body limit's 413 included.
#[cfg(feature = "server")]
pub fn harden(
    routes: axum::Router,
    service: &'static str,
    request_timeout: std::time::Duration,
) -> axum::Router {
    use axum::extract::DefaultBodyLimit;
    use axum::middleware::from_fn_with_state;

    let routes = routes
        .fallback(json_errors::not_found)
        .method_not_allowed_fallback(json_errors::method_not_allowed)
        .layer(DefaultBodyLimit::max(json_errors::BODY_LIMIT))
        .layer(from_fn_with_state(request_timeout, timeout::answer_within));
    request_id::around(routes, service)
}

#[cfg(test)]
mod tests {
    use super::*;

    // These strings are the contract written in the issue and the README: if a rename slips into
    // a field, the services would still compile and every client would break.
    #[test]
    fn process_result_has_the_contract_json_shape() {
        let body = ProcessResult {
            value: 84,
            processed: true,
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"value":84,"processed":true}"#);
        assert_eq!(serde_json::from_str::<ProcessResult>(&json).unwrap(), body);
    }

    #[test]
    fn transform_result_has_the_contract_json_shape() {
        let body = TransformResult {
            original: 84,
            transformed: "Value-0084".to_string(),
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"original":84,"transformed":"Value-0084"}"#);
        assert_eq!(
            serde_json::from_str::<TransformResult>(&json).unwrap(),
            body
        );
    }

    #[test]
    fn value_request_reads_the_contract_json_and_refuses_unknown_fields() {
        let request: ValueRequest = serde_json::from_str(r#"{"value": 42}"#).unwrap();
        assert_eq!(request, ValueRequest { value: 42 });
        assert!(serde_json::from_str::<ValueRequest>(r#"{"value": 42, "extra": 1}"#).is_err());
        assert!(serde_json::from_str::<ValueRequest>(r#"{"value": "42"}"#).is_err());
    }

    #[test]
    fn error_body_is_a_single_error_field() {
        let body = ErrorBody {
            error: "no".to_string(),
        };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"error":"no"}"#);
    }
}
