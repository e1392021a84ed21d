//! The app end to end: the real `app` binary, talking to the real services (the routers it serves
//! itself, or that a test serves) over real sockets on 127.0.0.1. No mocks: what fails here would
//! fail for a reader.
//!
//! - `golden`: `cargo run`'s whole output, and the services it served are gone afterwards.
//! - `pipeline`: the app with `SERVICE1_URL`/`SERVICE2_URL` set (the three-terminal way).
//! - `failures`: a service unreachable, too slow, answering an error status.
//!
//! The helpers in `support` bound every wait and kill every process in `Drop`.

mod failures;
mod golden;
mod pipeline;
mod support;
