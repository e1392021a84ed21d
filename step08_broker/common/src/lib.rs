//! What the app and the workers share: messages, queue names and (feature `broker`, on by
//! default) [`broker`]. The components turn it off: they need the types, not RabbitMQ.

use serde::{Deserialize, Serialize};

#[cfg(feature = "broker")]
pub mod broker;

/// The queues of `service1` (component1) and `service2` (component2).
pub const PROCESS_QUEUE: &str = "process";
pub const TRANSFORM_QUEUE: &str = "transform";

/// `QUEUE_PREFIX` (empty unless set) + `queue`: runs sharing a broker (tests, bench) keep apart.
pub fn queue_name(queue: &str) -> String {
    let prefix = std::env::var("QUEUE_PREFIX").unwrap_or_default();
    format!("{prefix}{queue}")
}

/// component1's result. On the wire: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// component2's result. On the wire: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// Every request: `{"value":42}`. Another shape is refused, not guessed at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// A reply: the result or `{"error":"..."}`; `untagged`: serde tells them apart by their fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err { error: String },
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
