//! What the app and the workers of step 08 share: the message bodies, and the RabbitMQ plumbing.
//!
//! The app publishes a request (`{"value":42}`) to the `process` queue; a `service1` worker takes
//! it, computes, publishes the reply to the queue named in the request's `reply_to` property, and
//! only then acknowledges the request. Everything both sides must agree on lives here, once.
//!
//! # Layout
//!
//! - this file: the data types (`ProcessResult`, `TransformResult`) and the bodies on the wire.
//!   No dependency but `serde`, so the component crates use it without lapin or tokio.
//! - [`queues`] (feature `broker`): the queue and exchange names, and the one function that
//!   declares them, so the app and the workers can never declare them differently.
//! - [`connect`] (feature `broker`): `AMQP_ADDR`, connecting with a bounded retry, and the error
//!   a human reads when RabbitMQ cannot be reached.
//! - [`worker`] (feature `broker`): the consume / compute / reply / ack loop of both workers.
//! - [`reconnect`] (feature `broker`): the loop that runs the worker again after a lost connection.
//! - [`shutdown`] (feature `broker`): Ctrl-C, SIGTERM and "my parent went away" as one future.
//! - also here (feature `broker`): `init_logging` and `ParseOrExit`, the start of every `main`.
//!
//! Test it with `cargo test -p common`.

use serde::{Deserialize, Serialize};

#[cfg(feature = "broker")]
pub mod connect;
#[cfg(feature = "broker")]
pub mod queues;
#[cfg(feature = "broker")]
pub mod reconnect;
#[cfg(feature = "broker")]
pub mod shutdown;
#[cfg(feature = "broker")]
pub mod worker;

/// What a processor hands back. On the wire: `{"value":84,"processed":true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What a transformer hands back. On the wire: `{"original":84,"transformed":"Value-0084"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// The body of every request, on both work queues: `{"value":42}`.
///
/// Unknown fields are refused: a message of another shape was meant for someone else, and
/// guessing at it would hide the bug that sent it here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRequest {
    pub value: i32,
}

/// A reply on the wire: the result, or `{"error":"..."}` (the shape of step 07's error bodies).
/// `untagged` lets serde tell them apart by their fields, so the JSON is what a human would write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reply<T> {
    Ok(T),
    Err { error: String },
}

/// Log lines go to stderr, filtered by `RUST_LOG` (default `info`): `RUST_LOG=warn` keeps only
/// warnings, `RUST_LOG=debug` adds every call the app makes, with its correlation id. The filter
/// is tracing-subscriber's `Targets` (`level` or `target=level,...`, as in step 07): `EnvFilter`
/// would add a regex engine to the build for span and field filters no one here uses.
#[cfg(feature = "broker")]
pub fn init_logging() {
    use tracing_subscriber::{filter::LevelFilter, filter::Targets, fmt, prelude::*, registry};
    let info = Targets::new().with_default(LevelFilter::INFO);
    let filter = std::env::var("RUST_LOG").map_or(Ok(info.clone()), |text| text.parse());
    let format = fmt::layer().with_writer(std::io::stderr);
    let format = format.with_target(false).without_time();
    registry().with(format).with(filter.unwrap_or(info)).init();
}

/// `Cli::parse_or_exit()` for the command line of the app and of both workers (bring it in with
/// `use common::ParseOrExit`). `--help` and `--version` print and exit 0; a mistake prints one
/// line, `error: ...`, and exits 1, like every other error of this step (`parse` would print
/// clap's whole message and exit 2).
#[cfg(feature = "broker")]
pub trait ParseOrExit: clap::Parser {
    fn parse_or_exit() -> Self {
        Self::try_parse().unwrap_or_else(|error| {
            if !error.use_stderr() {
                error.exit(); // `--help` or `--version`: not an error
            }
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            std::process::exit(1)
        })
    }
}
#[cfg(feature = "broker")]
impl<T: clap::Parser> ParseOrExit for T {}

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
