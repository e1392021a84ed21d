//! The JSON the services and the app exchange, byte for byte: if a field were renamed, the
//! services would still compile and every client would break.

use common::{ErrorBody, ProcessResult, TransformResult, ValueRequest};

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
