//! The contract shared by the app and the workers of step 08, and the RabbitMQ plumbing they
//! all need.
//!
//! In step 08 the components no longer answer calls: they take work from RabbitMQ queues. The app
//! publishes a request (`{"value": 42}`) to the `process` queue, a `service1` worker takes it,
//! computes, publishes the reply to the queue named in the request's `reply_to` property, and only
//! then acknowledges the request. Everything both sides must agree on lives here, once.
//!
//! # Layout
//!
//! - this file: the data types (`ProcessResult`, `TransformResult`) and the request and reply
//!   bodies on the wire. No dependency but `serde`, so the component crates can use it cheaply.
//!   The `Processor` / `Transformer` contract is not here: only the app uses it, so it lives in
//!   `app/src/pipeline.rs`, as in step 07.
//! - [`queues`] (feature `broker`): the queue and exchange names, and the one function that
//!   declares them, so the app and the workers can never declare them differently.
//! - [`connect`] (feature `broker`): `AMQP_ADDR`, connecting with a bounded retry, and the error
//!   a human reads when RabbitMQ cannot be reached.
//! - [`worker`] (feature `broker`): the consume / compute / reply / ack loop shared by `service1`
//!   and `service2`, with reconnection and clean shutdown.
//! - [`shutdown`] (feature `broker`): Ctrl-C, SIGTERM and "my parent went away" as one future.
//!
//! Test it with `cargo test -p common`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "broker")]
pub mod connect;
#[cfg(feature = "broker")]
pub mod queues;
#[cfg(feature = "broker")]
pub mod shutdown;
#[cfg(feature = "broker")]
pub mod worker;

/// What a processor hands back: the processed value and whether processing happened.
/// On the wire: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What a transformer hands back: the value it was given and its text form.
/// On the wire: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// The body of every request, on both work queues: `{"value": 42}`.
///
/// Unknown fields are refused: a message of another shape was meant for someone else, and
/// guessing at it would hide the bug that sent it here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

impl ValueRequest {
    /// Reads a request body. The error says why the body is not a request; a worker puts that
    /// reason in its log before it dead-letters the message.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(body).map_err(|e| format!("not a {{\"value\": <i32>}} request: {e}"))
    }
}

/// The body of an error reply: `{"error": "..."}`, the same shape as step 07's error bodies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub error: String,
}

/// A reply on the wire is either the result or `{"error": ...}`. `untagged` lets serde tell them
/// apart by their fields, so the JSON stays exactly what a reader would write by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err(ErrorReply),
}

impl<T: Serialize> Reply<T> {
    /// Turns a worker's result into the reply body it publishes.
    pub fn body_from<E: fmt::Display>(result: Result<T, E>) -> Vec<u8> {
        let reply = match result {
            Ok(value) => Reply::Ok(value),
            Err(e) => Reply::Err(ErrorReply {
                error: e.to_string(),
            }),
        };
        // Serializing these plain structs cannot fail (no maps with non-string keys, no
        // custom `Serialize`); an empty body would be dead-lettered by nobody, so say so loudly.
        serde_json::to_vec(&reply).unwrap_or_else(|e| {
            format!(r#"{{"error":"the worker could not serialize its reply: {e}"}}"#).into_bytes()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_parses_from_the_documented_json() {
        assert_eq!(
            ValueRequest::parse(br#"{"value": 42}"#),
            Ok(ValueRequest { value: 42 })
        );
    }

    #[test]
    fn a_body_that_is_not_a_request_is_refused_with_a_reason() {
        for body in [
            &b"not json"[..],
            br#"{"valeur": 42}"#,
            br#"{"value": 42, "extra": 1}"#,
            br#"{"value": 4294967296}"#,
        ] {
            let error = ValueRequest::parse(body).expect_err("must be refused");
            assert!(
                error.starts_with("not a {\"value\": <i32>} request"),
                "{error}"
            );
        }
    }

    #[test]
    fn replies_use_the_same_json_as_step_07() {
        let ok = Reply::body_from::<String>(Ok(ProcessResult {
            value: 84,
            processed: true,
        }));
        assert_eq!(ok, br#"{"value":84,"processed":true}"#);

        let err = Reply::<ProcessResult>::body_from(Err("overflow"));
        assert_eq!(err, br#"{"error":"overflow"}"#);
    }

    #[test]
    fn a_reply_reads_back_as_result_or_error() {
        let ok: Reply<TransformResult> =
            serde_json::from_slice(br#"{"original":84,"transformed":"Value-0084"}"#).unwrap();
        assert_eq!(
            ok,
            Reply::Ok(TransformResult {
                original: 84,
                transformed: "Value-0084".into()
            })
        );
        let err: Reply<TransformResult> = serde_json::from_slice(br#"{"error":"boom"}"#).unwrap();
        assert_eq!(
            err,
            Reply::Err(ErrorReply {
                error: "boom".into()
            })
        );
    }
}
