//! The app end to end: the real `app` binary, starting the real `service1` and `service2`
//! binaries as its children, with nothing mocked. Faults are real too: a service is killed with
//! the OS's own `kill`/`taskkill`, or the `faulty_service` fixture (`fixtures/`) takes service1's
//! place and hangs, crashes or answers garbage once.
//!
//! Every run is bounded (`support::PATIENCE`), and every app a test starts is killed and reaped
//! if the test fails before it ends. No test asserts on timing.
//!
//! - `child`: one service process on its own: an exchange, a timeout, a clean stop.
//! - `pipeline`: what a reader sees, and every way the app refuses to run, each with its message.
//! - `supervision`: a service that dies, hangs or garbles its reply mid-run; Ctrl-C.

mod child;
mod pipeline;
mod supervision;
mod support;
