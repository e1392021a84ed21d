//! The messages, as Rust types, and how a raw line becomes one.
//!
//! A request is `{"id": N, "type": "...", ...}`; its reply echoes the same `id`. Serde writes and
//! reads that shape from the types below: `#[serde(tag = "type")]` puts the variant's name in the
//! `"type"` field, and `#[serde(flatten)]` lays the variant's fields next to `"id"` instead of
//! nesting them.

use serde::{Deserialize, Serialize};

use crate::{ProcessResult, TransformResult};

/// Bumped whenever a message changes shape. The app checks it in the hello exchange, so an app and
/// a service built from different versions of this crate stop at once with a clear error instead
/// of misreading each other.
pub const PROTOCOL_VERSION: u32 = 1;

/// One line from the app to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the app, echoed by the reply.
    pub id: u64,
    #[serde(flatten)]
    pub body: RequestBody,
}

/// What the app asks. `hello` comes first; service1 handles `process`, service2 `transform`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestBody {
    Hello { protocol: u32 },
    Process { value: i32 },
    Transform { value: i32 },
}

impl RequestBody {
    /// The `"type"` this request has on the wire, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestBody::Hello { .. } => "hello",
            RequestBody::Process { .. } => "process",
            RequestBody::Transform { .. } => "transform",
        }
    }
}

/// Every `"type"` a request may have: a line with another type gets `unknown_message`, one with a
/// known type but wrong fields gets `bad_request`.
const REQUEST_KINDS: [&str; 3] = ["hello", "process", "transform"];

/// One line from a service to the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The id of the request this answers; `null` only when the request line had no readable id.
    pub id: Option<u64>,
    #[serde(flatten)]
    pub body: ReplyBody,
}

/// What a service answers: one variant per request, or an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReplyBody {
    Hello {
        protocol: u32,
        service: String,
        component: String,
        version: String,
    },
    Processed(ProcessResult),
    Transformed(TransformResult),
    /// The service understood the line but could not or would not do the work. It is still
    /// healthy and keeps serving: asking again gives the same answer.
    Error {
        code: ErrorCode,
        error: String,
    },
}

/// Machine-readable reason of an error reply; `error` holds the human-readable one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The line is not JSON, or not a request of a known type with the right fields.
    BadRequest,
    /// A request whose `type` this service does not handle.
    UnknownMessage,
    /// A work request arrived before the hello exchange.
    HelloFirst,
    /// Doubling the value does not fit in an `i32`.
    Overflow,
}

impl ReplyBody {
    pub fn error(code: ErrorCode, error: impl Into<String>) -> Self {
        ReplyBody::Error {
            code,
            error: error.into(),
        }
    }
}

/// Reads one request line, or says exactly what is wrong with it, as the error reply to send.
///
/// The fast path is one `serde_json` call. Only when it fails do we look again, more loosely, to
/// tell "not JSON" from "a type we do not know" from "a known type with wrong fields", and to echo
/// the id when the line had one.
pub fn parse_request(line: &[u8]) -> Result<Request, Reply> {
    let parse_error = match serde_json::from_slice::<Request>(line) {
        Ok(request) => return Ok(request),
        Err(error) => error,
    };

    /// The two fields every request has, read without caring about the rest.
    #[derive(Deserialize)]
    struct Envelope {
        id: Option<u64>,
        #[serde(rename = "type")]
        kind: Option<String>,
    }

    let Ok(envelope) = serde_json::from_slice::<Envelope>(line) else {
        let error = format!("not a JSON request object: {parse_error}");
        return Err(Reply {
            id: None,
            body: ReplyBody::error(ErrorCode::BadRequest, error),
        });
    };
    let body = match envelope.kind {
        Some(kind) if !REQUEST_KINDS.contains(&kind.as_str()) => ReplyBody::error(
            ErrorCode::UnknownMessage,
            format!("unknown message type {kind:?}"),
        ),
        _ => ReplyBody::error(
            ErrorCode::BadRequest,
            format!("malformed request: {parse_error}"),
        ),
    };
    Err(Reply {
        id: envelope.id,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(line: &str) -> (Option<u64>, ErrorCode, String) {
        match parse_request(line.as_bytes()) {
            Err(Reply {
                id,
                body: ReplyBody::Error { code, error },
            }) => (id, code, error),
            other => panic!("expected an error reply for {line:?}, got {other:?}"),
        }
    }

    #[test]
    fn a_line_that_is_not_json_is_a_bad_request_without_id() {
        let (id, code, error) = error_of("hello there");
        assert_eq!((id, code), (None, ErrorCode::BadRequest));
        assert!(error.starts_with("not a JSON request object"), "{error}");
    }

    #[test]
    fn an_unknown_type_is_an_unknown_message_that_echoes_the_id() {
        let (id, code, error) = error_of(r#"{"id":7,"type":"explode"}"#);
        assert_eq!((id, code), (Some(7), ErrorCode::UnknownMessage));
        assert!(error.contains("explode"), "{error}");
    }

    #[test]
    fn a_known_type_with_wrong_fields_is_a_bad_request_that_echoes_the_id() {
        let (id, code, _) = error_of(r#"{"id":8,"type":"process","value":"forty-two"}"#);
        assert_eq!((id, code), (Some(8), ErrorCode::BadRequest));
        let (id, code, _) = error_of(r#"{"id":9,"type":"process","value":3000000000}"#);
        assert_eq!((id, code), (Some(9), ErrorCode::BadRequest));
    }
}
