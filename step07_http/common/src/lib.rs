//! What the app and the two services agree on: the JSON bodies that cross the network.
//!
//! In step 03 the `traits` crate held what the app and the components agreed on. Now they live
//! in different processes, and what they agree on is JSON. Both sides use these types, so they
//! cannot disagree on a field name without the compiler noticing.
//!
//! # Layout
//!
//! - This file: the bodies, plain `serde` types with no HTTP in them.
//! - [`server`] (feature `server`, the services only): a JSON error for every bad request, and
//!   where a service listens.
//!
//! Test it with `cargo test -p common`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
pub mod server;

/// The body of `POST /process` and `POST /transform`: `{"value": 42}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
// An unknown field is a client bug worth an error, not something to ignore silently.
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// What service1 answers: `{"value":84,"processed":true}`.
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    // These strings are the contract: if a rename slipped into a field, the services would still
    // compile and every client would break.
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
