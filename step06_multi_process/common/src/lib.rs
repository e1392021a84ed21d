//! What the app and its two services share: the data the pipeline passes along, and the wire
//! protocol they speak over pipes.
//!
//! The app and a service share no memory at run time, only what this crate defines.
//!
//! The wire protocol: the app writes a [`Request`] to a service's stdin, one JSON object per line,
//! and reads the [`Reply`] from its stdout; the reply echoes the request's `id`. Serde writes and
//! reads those lines from the types below: `#[serde(tag = "type")]` puts the variant's name in a
//! `"type"` field (`RequestBody::Process { value: 42 }` is `"type":"process","value":42`); for a
//! variant that wraps a struct, such as `ReplyBody::Processed(ProcessResult)`, the struct's fields
//! go next to `"type"` (`"type":"processed","value":84,"processed":true`).
//! `rename_all = "snake_case"` spells each variant's name in snake case: `Process` as
//! `"process"`, `BadRequest` as `"bad_request"`. `#[serde(flatten)]` lays the body's fields next
//! to `"id"` instead of nesting them. So `{"id":1,"type":"process","value":42}` is read as
//! `Request { id: 1, body: RequestBody::Process { value: 42 } }`.
//!
//! Files you may skip: [`wire`] turns a bad line into the precise error reply, and holds
//! `ReplyBody::error(code, text)`, which builds an error reply; [`framing`] cuts a byte stream
//! into lines of at most 64 KiB; [`serve`](mod@serve) is the loop both services run.

pub mod framing;
pub mod serve;
pub mod wire;

use serde::{Deserialize, Serialize};

pub use serve::{ServiceInfo, run_service};
pub use wire::parse_request;

/// What component1 hands back: the processed value and whether processing happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What component2 hands back: the value it was given and its text form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// Bumped whenever a message changes shape; the app checks it in the hello exchange.
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
    BadRequest,     // not JSON, or a known `type` with the wrong fields
    UnknownMessage, // a `type` this service does not handle
    HelloFirst,     // work before the hello exchange
    Overflow,       // doubling the value does not fit in an `i32`
}
