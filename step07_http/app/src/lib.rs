//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest; and
//! [`root_cause`], which `http` uses to say why a call failed.

pub mod http;
pub mod pipeline;

/// The error at the bottom of `error`'s chain of causes (each one's `source()`), the one that says
/// why: under reqwest's "error sending request" lies, say, "Connection refused (os error 111)".
pub fn root_cause(error: &dyn std::error::Error) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
