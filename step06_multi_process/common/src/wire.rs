//! The messages, as Rust types, and how a raw line becomes one.
//!
//! Each message is one JSON object on one line. A request is `{"id": N, "type": "...", ...}`; its
//! reply echoes the same `id`. Serde writes and reads that shape from the types below:
//! `#[serde(tag = "type")]` puts the variant name in the `"type"` field, and
//! `#[serde(flatten)]` lays the variant's fields next to `"id"` instead of nesting them.

use serde::{Deserialize, Serialize};
use traits::{ComponentError, ProcessResult, TransformResult};

/// Bumped whenever a message changes shape. The app checks it in the hello exchange, so an app and
/// a service built from different versions of this crate stop at once with a clear error instead of
/// misreading each other.
pub const PROTOCOL_VERSION: u32 = 1;

/// One line from the app to a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the app, echoed by the reply: a reply that does not carry the id the app is
    /// waiting for is a protocol error.
    pub id: u64,
    #[serde(flatten)]
    pub body: RequestBody,
}

/// What the app asks. `hello` must come first; each service handles its own two work messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequestBody {
    Hello { protocol: u32 },
    Process { value: i32 },
    Validate { value: i32, processed: bool },
    Transform { value: i32 },
    Analyze { original: i32, transformed: String },
}

impl RequestBody {
    /// The `"type"` this request has on the wire, for log and error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestBody::Hello { .. } => "hello",
            RequestBody::Process { .. } => "process",
            RequestBody::Validate { .. } => "validate",
            RequestBody::Transform { .. } => "transform",
            RequestBody::Analyze { .. } => "analyze",
        }
    }
}

/// Every `"type"` a request may have. A line whose type is not here gets an `unknown_message`
/// error; one whose type is here but whose fields are wrong gets a `bad_request` error.
const REQUEST_KINDS: [&str; 5] = ["hello", "process", "validate", "transform", "analyze"];

/// One line from a service to the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// The id of the request this answers; `null` only when the request line was so broken that
    /// it had no readable id.
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
    Processed {
        value: i32,
        processed: bool,
    },
    Validated {
        valid: bool,
    },
    Transformed {
        original: i32,
        transformed: String,
    },
    Analyzed {
        analysis: String,
    },
    /// The service understood the line but could not or would not do the work. The service is
    /// still healthy and keeps serving: asking again gives the same answer.
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
    /// A JSON request whose `type` this service does not handle.
    UnknownMessage,
    /// A work request arrived before the hello exchange.
    HelloFirst,
    /// Doubling the value does not fit in an `i32`.
    Overflow,
    /// The component refused the input for another reason.
    Rejected,
}

impl ReplyBody {
    pub fn error(code: ErrorCode, error: impl Into<String>) -> Self {
        ReplyBody::Error {
            code,
            error: error.into(),
        }
    }
}

impl From<ProcessResult> for ReplyBody {
    fn from(result: ProcessResult) -> Self {
        ReplyBody::Processed {
            value: result.value,
            processed: result.processed,
        }
    }
}

impl From<TransformResult> for ReplyBody {
    fn from(result: TransformResult) -> Self {
        ReplyBody::Transformed {
            original: result.original,
            transformed: result.transformed,
        }
    }
}

impl From<&ComponentError> for ReplyBody {
    fn from(error: &ComponentError) -> Self {
        let code = match error {
            ComponentError::Overflow { .. } => ErrorCode::Overflow,
            ComponentError::Rejected { .. } | ComponentError::Unavailable { .. } => {
                ErrorCode::Rejected
            }
        };
        ReplyBody::error(code, error.to_string())
    }
}

/// Reads one request line, or says exactly what is wrong with it as the error reply to send back.
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
        return Err(Reply {
            id: None,
            body: ReplyBody::error(
                ErrorCode::BadRequest,
                format!("not a JSON request object: {parse_error}"),
            ),
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

    #[test]
    fn component_errors_become_error_replies_with_their_code() {
        let overflow = ReplyBody::from(&ComponentError::Overflow { value: i32::MAX });
        assert!(
            matches!(&overflow, ReplyBody::Error { code: ErrorCode::Overflow, error } if error.contains("overflow"))
        );
    }
}
