//! How a raw line becomes a request, or the precise error reply to send back.
//!
//! The message types themselves are in `lib.rs`. A line that does not parse as a `Request` gets
//! an error reply that says why: not JSON at all (`bad_request`), a `type` nobody handles
//! (`unknown_message`), or a known type with wrong fields (`bad_request`), echoing the id when
//! the line had one.

use serde::Deserialize;

use crate::{ErrorCode, Reply, ReplyBody, Request, RequestBody};

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

impl ReplyBody {
    /// An error reply.
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
