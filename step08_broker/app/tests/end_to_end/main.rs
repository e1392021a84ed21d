//! The app end to end: the real `app` binary and the real worker binaries, talking through the
//! real RabbitMQ. No mocks: what fails here would fail for a reader.
//!
//! - `golden`: `cargo run`'s whole output.
//! - `broker`: the guarantees: confirms, persistence, ack after the reply, prefetch, dead
//!   letters, duplicate and stray replies, a worker killed mid-run, reconnects, errors.
//! - `stale_workers`: an edited component answers on the next `cargo run`.
//! - `command_line`: a mistake on the command line is one line and exit status 1.
//!
//! The helpers in `support` start every process with a bounded wait and stop it in `Drop`, so a
//! failing test leaves nothing running.

mod broker;
mod command_line;
mod golden;
mod stale_workers;
mod support;
