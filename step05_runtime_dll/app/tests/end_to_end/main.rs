//! End-to-end tests of the lesson: the real `app` binary, loading real plugin files.
//!
//! Nothing is mocked. Each test runs the app as a child process and checks what it printed and
//! how it exited, as a user would see it. Where a test needs another file in a plugin's place, it
//! puts the app in a scratch directory of its own with the files it wants beside it.
//!
//! - `golden`: the whole output of a plain run, against `expected_output.txt`.
//! - `failures`: every way a plugin file can be wrong; each must end in one clear line on stderr
//!   and exit status 1, never a panic or a crash.

mod failures;
mod golden;
mod support;

use std::path::Path;

/// The lesson's app, as Cargo built it for these tests.
fn app() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_app"))
}
