//! The hardened app end to end: the real `hardened` binary and the real hardened services, over
//! real sockets on 127.0.0.1.
//!
//! - `pipeline`: `SERVICE1_URL`/`SERVICE2_URL`, `--input`, `--repeat`, `--warmup`,
//!   `--concurrency`, and one pipeline followed across the three logs by its request id.
//! - `failures`: a service down, killed mid-run, too slow, at the wrong URL; an overflow; a bad
//!   flag; SIGTERM to the app, and to a service with a request in flight.
//!
//! The helpers in `support` bound every wait and stop every process in `Drop`.

mod failures;
mod pipeline;
mod support;
