//! The lesson end to end: the real `app` binary and the real worker binaries, talking through
//! the real RabbitMQ. No mocks: what fails here would fail for a reader.
//!
//! - `golden`: `cargo run`'s whole output, and no `ERROR` on its stderr.
//! - `workers`: the lesson's workers, sent raw requests: a reply, an overflow, a message that
//!   is not a request; and a worker's consume holding one unacked request at a time. The app's `RpcClient` is also tested in `hardened/tests/shared_rpc.rs`, which
//!   holds its errors (a timeout naming the queue, an overflow) to the hardened client's.
//! - `stale_workers`: an edited component answers on the next `cargo run`.
//! - `no_broker`: what a reader without RabbitMQ sees, from the app, a worker and these tests.
//!
//! Every test that needs RabbitMQ starts with `support::require_broker()` and carries
//! `#[cfg_attr(skip_broker_tests, ignore = ...)]` (see `build.rs` and DESIGN.md's "Tests without
//! a broker").

mod golden;
mod no_broker;
mod stale_workers;
mod support;
mod workers;
