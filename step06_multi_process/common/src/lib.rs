//! The wire protocol between the app and its service processes, and both ends of it.
//!
//! From step 06 on, a component runs in its own process. The app and a service share no memory and
//! no types at run time; they share only what this crate defines: the shape of the lines they
//! write to each other. Both sides are built from this crate, so they cannot disagree about it by
//! accident, and the hello exchange catches the case where they were built from different versions.
//!
//! # The wire format
//!
//! The app writes requests to the service's stdin and reads replies from its stdout, one JSON
//! object per line (UTF-8, ended by `\n`, at most 64 KiB). The service logs on stderr, never on
//! stdout. Every request carries an `id` that its reply echoes. A session looks like this
//! (`>` app to service1, `<` service1 to app):
//!
//! ```text
//! > {"id":0,"type":"hello","protocol":1}
//! < {"id":0,"type":"hello","protocol":1,"service":"service1","component":"component1","version":"0.1.0"}
//! > {"id":1,"type":"process","value":42}
//! < {"id":1,"type":"processed","value":84,"processed":true}
//! > {"id":2,"type":"validate","value":84,"processed":true}
//! < {"id":2,"type":"validated","valid":true}
//! > {"id":3,"type":"process","value":2147483647}
//! < {"id":3,"type":"error","code":"overflow","error":"overflow: 2147483647 * 2 does not fit in an i32 (inputs from -1073741824 to 1073741823 work)"}
//! ```
//!
//! service2 answers `{"type":"transform","value":84}` with
//! `{"type":"transformed","original":84,"transformed":"Value-0084"}` and
//! `{"type":"analyze","original":84,"transformed":"Value-0084"}` with
//! `{"type":"analyzed","analysis":"Analysis: 84 maps to Value-0084"}`.
//!
//! - `hello` comes first: a work request before it gets a `hello_first` error. The app checks the
//!   reply's `protocol` and `service` before sending anything else.
//! - A line that is not JSON gets `{"id":null,"type":"error","code":"bad_request",...}`; an
//!   unknown `type` gets `unknown_message`; both with the id echoed when the line had one. The
//!   service keeps serving after any error reply.
//! - When its stdin closes, a service exits with status 0: that is how the app stops it.
//!
//! # Layout
//!
//! - [`wire`]: the message types and [`parse_request`], which turns a bad line into the precise
//!   error reply.
//! - [`framing`]: cutting a byte stream into bounded lines, writing one message per line.
//! - [`serve`](mod@serve): the service side, the request loop `service1` and `service2` both run
//!   ([`run_service`] is their whole `main`).
//! - [`connection`]: the app side, [`ChildConnection`], a running service process with reads
//!   that time out. The app's supervisor and the services' tests both use it.

pub mod connection;
pub mod framing;
pub mod serve;
pub mod wire;

pub use connection::{ChildConnection, RecvError, ReplyError, Stopped};
pub use serve::{ServiceInfo, ServiceLog, not_handled_here, run_service, serve};
pub use wire::{
    ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, Request, RequestBody, parse_request,
};
