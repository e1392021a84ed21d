//! The messages on the wire, as JSON: what the app and the workers agree on.

use common::{ProcessResult, Reply, TransformResult, ValueRequest};

#[test]
fn a_request_is_the_documented_json() {
    let body = serde_json::to_string(&ValueRequest { value: 42 }).unwrap();
    assert_eq!(body, r#"{"value":42}"#);
}

#[test]
fn a_body_of_another_shape_is_not_a_request() {
    for body in [
        &b"not json"[..],
        br#"{"valeur": 42}"#,
        br#"{"value": 42, "extra": 1}"#,
        br#"{"value": 4294967296}"#,
    ] {
        assert!(serde_json::from_slice::<ValueRequest>(body).is_err());
    }
}

#[test]
fn replies_use_the_same_json_as_step_07() {
    let ok = Reply::Ok(ProcessResult {
        value: 84,
        processed: true,
    });
    assert_eq!(
        serde_json::to_string(&ok).unwrap(),
        r#"{"value":84,"processed":true}"#
    );
    let err = Reply::<ProcessResult>::Err {
        error: "overflow".into(),
    };
    assert_eq!(
        serde_json::to_string(&err).unwrap(),
        r#"{"error":"overflow"}"#
    );
}

#[test]
fn a_reply_reads_back_as_result_or_error() {
    let ok: Reply<TransformResult> =
        serde_json::from_str(r#"{"original":84,"transformed":"Value-0084"}"#).unwrap();
    assert!(matches!(ok, Reply::Ok(result) if result.transformed == "Value-0084"));
    let err: Reply<TransformResult> = serde_json::from_str(r#"{"error":"boom"}"#).unwrap();
    assert_eq!(
        err,
        Reply::Err {
            error: "boom".into()
        }
    );
}
