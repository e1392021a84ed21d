//! The app end to end: the real `app` binary, talking to the real service binaries over real
//! sockets on 127.0.0.1. No mocks: what fails here would fail for a reader.
//!
//! - `golden`: `cargo run`'s whole output, and the services it started are gone afterwards.
//! - `pipeline`: the app with `SERVICE1_URL`/`SERVICE2_URL` set, `--repeat`, `--concurrency`,
//!   and one pipeline followed across the three logs by its request id.
//! - `failures`: a service down, killed mid-run, too slow, at the wrong URL; an overflow; a bad
//!   flag; SIGTERM.
//!
//! The helpers in `support` start every process with a bounded wait and stop it in `Drop`, so a
//! failing test leaves nothing running.

mod failures;
mod golden;
mod pipeline;
mod support;
