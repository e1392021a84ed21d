//! The app of step 06: the pipeline of step 04, with each component in a child process.
//!
//! The app starts `service1` and `service2` as child processes, talks to each over its stdin and
//! stdout (one JSON message per line, see the `common` crate), and runs the same `run_pipeline` as
//! before through types that implement the same traits. What is new is everything a process
//! boundary brings: finding the binaries, starting them, noticing when one dies or hangs,
//! restarting it, and stopping them all, whatever happens, before the app exits.
//!
//! Run it with `cargo run` from `step06_multi_process/`; `cargo run -- --help` lists the options.
//!
//! # Layout
//!
//! - [`cli`]: the command-line options.
//! - [`locate`]: where the service binaries are, and building them when Cargo started the app.
//! - [`supervisor`]: one service process kept alive: started, restarted on failure, stopped.
//! - [`child_components`]: `ChildProcessor` and `ChildTransformer`, the traits of step 03
//!   answered by the supervised services.
//! - [`pipeline`]: `run_pipeline`, and `--repeat` with its `summary:` line.
//! - [`interrupt`]: Ctrl-C as a flag, so the app can stop its children in order.

pub mod child_components;
pub mod cli;
pub mod interrupt;
pub mod locate;
pub mod pipeline;
pub mod supervisor;

use std::fmt;
use std::io::{self, Write};

/// Writes one line of the app's own log to stderr, prefixed `[app]`, like the services prefix
/// theirs. The line goes out in one `write`, so the services' lines (they share this stderr)
/// cannot cut into it. A line that cannot be written is dropped rather than stopping the app.
pub fn log(message: fmt::Arguments<'_>) {
    let line = format!("[app] {message}\n");
    let _ = io::stderr().write_all(line.as_bytes());
}
