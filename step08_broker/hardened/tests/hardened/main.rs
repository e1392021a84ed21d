//! The hardened app and workers end to end, against the real RabbitMQ. The hardened app calls
//! the workers through `SharedRpcClient`, which publishes the lesson's requests with the lesson's
//! properties (`tests/shared_rpc.rs` holds it to the lesson's `RpcClient`'s errors): an overflow
//! comes back as the stage's error, a request nobody answers times out naming its queue, a
//! request waits in its queue until a worker comes, and expires once its caller gave up.
//!
//! - `app`: the hardened app's runs, its flags and `--repeat`.
//! - `delivery`: dead letters, a worker killed mid-run, workers sharing a queue, a reconnect.
//! - `lifecycle`: a clean stop on a closed stdin or SIGTERM.
//!
//! The helpers are the lesson tests' own (`app/tests/end_to_end/support.rs`).

mod app;
mod delivery;
mod lifecycle;
#[path = "../../../app/tests/end_to_end/support.rs"]
mod support;

/// The hardened app's binary.
pub fn hardened() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_hardened"))
}
