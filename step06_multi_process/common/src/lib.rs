//! What the app and its two services share: the data the pipeline passes along, and the wire
//! protocol they speak over pipes.
//!
//! The app and a service share no memory at run time, only what this crate defines. Both are
//! built from it, so they cannot disagree by accident; the hello exchange catches two builds of
//! different versions.
//!
//! # The wire format
//!
//! The app writes requests to a service's stdin and reads replies from its stdout, one JSON object
//! per line (UTF-8, ended by `\n`, at most 64 KiB). A service logs on stderr, never on stdout.
//! Every request carries an `id` that its reply echoes. A session with service1 (`>` app to
//! service, `<` service to app):
//!
//! ```text
//! > {"id":0,"type":"hello","protocol":1}
//! < {"id":0,"type":"hello","protocol":1,"service":"service1","component":"component1","version":"0.1.0"}
//! > {"id":1,"type":"process","value":42}
//! < {"id":1,"type":"processed","value":84,"processed":true}
//! > {"id":2,"type":"process","value":2147483647}
//! < {"id":2,"type":"error","code":"overflow","error":"overflow: doubling 2147483647 does not fit in an i32 (inputs from -1073741824 to 1073741823 work)"}
//! ```
//!
//! service2 answers `{"id":1,"type":"transform","value":84}` with
//! `{"id":1,"type":"transformed","original":84,"transformed":"Value-0084"}`. A line that is not
//! JSON gets a `bad_request` error, an unknown `type` `unknown_message`, work before the hello
//! `hello_first`; the service keeps serving after any error reply, and exits with status 0 when
//! its stdin closes: that is how the app stops it.
//!
//! # Layout
//!
//! - [`wire`]: the messages as Rust types, and [`parse_request`], which turns a bad line into the
//!   precise error reply.
//! - [`framing`]: cutting a byte stream into bounded lines; writing one message per line.
//! - [`serve`](mod@serve): the loop both services run ([`run_service`] is their whole `main`).

pub mod framing;
pub mod serve;
pub mod wire;

use serde::{Deserialize, Serialize};

pub use serve::{ServiceInfo, run_service};
pub use wire::{
    ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, Request, RequestBody, parse_request,
};

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
