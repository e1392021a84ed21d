//! The app of step 06: the pipeline of step 04, with each component in a child process.
//!
//! Run it with `cargo run` from `step06_multi_process/`; `cargo run -- --help` lists the options.
//!
//! # Layout
//!
//! - [`child`]: a service as a child process: spawn it, write a request line, read a reply line;
//!   `ChildProcessor` and `ChildTransformer`, the pipeline's contract answered that way.
//! - [`pipeline`]: the contract (`Processor`, `Transformer`) and `run_pipeline`.
//! - [`cli`]: the command-line options; [`repeat`]: `--repeat`, the pipeline in a measured loop.
//! - [`supervisor`]: a service that fails is restarted, with backoff.
//! - [`watchdog`]: a service that does not answer in time is killed.
//! - [`locate`]: where the service binaries are, and building them when Cargo started the app.
//! - [`interrupt`]: Ctrl-C as a flag, so the app can stop its children in order; each child in a
//!   process group of its own.

pub mod child;
pub mod cli;
pub mod interrupt;
pub mod locate;
pub mod pipeline;
pub mod repeat;
pub mod supervisor;
pub mod watchdog;

use std::fmt;
use std::io::{self, Write};

/// Writes one line of the app's own log to stderr, prefixed `[app]`. The line goes out in one
/// `write`, so the services' lines (they share this stderr) cannot cut into it.
pub fn log(message: fmt::Arguments<'_>) {
    let line = format!("[app] {message}\n");
    let _ = io::stderr().write_all(line.as_bytes());
}
