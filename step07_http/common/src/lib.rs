//! The JSON bodies that cross the network, used on both sides so that they cannot disagree on a
//! field name; [`server`] (feature `server`): what both services do alike.

#[cfg(feature = "server")]
pub mod server;

use serde::{Deserialize, Serialize};

/// The body of `POST /process` and `POST /transform`: `{"value": 42}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // `{"value": 1, "valeu": 2}` is a client's bug: say so
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
