//! End-to-end tests of the hardened app: the real `hardened` binary, loading real plugin files,
//! the fixtures of `hardened/fixtures/` among them.
//!
//! - `flags`: what each flag changes in a good run (`--transformer`, `--plugin-dir`,
//!   `PLUGIN_DIR`, `--repeat`, `--warmup`).
//! - `failures`: an input that overflows, a panic caught inside a plugin, a bad plugin named on the
//!   command line, a failed `--repeat` run, bad flags: each one `error:` line and exit status 1.

mod failures;
mod flags;
// The lesson's test support, the same file: it builds every plugin file and runs a binary.
#[path = "../../../app/tests/end_to_end/support.rs"]
mod support;

use std::path::Path;
use std::process::Command;

/// The hardened app, as Cargo built it for these tests.
fn hardened() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_hardened"))
}

/// The hardened app with `args`, its plugins next to it and `PLUGIN_DIR` cleared.
fn with(args: &[&str]) -> Command {
    let mut command = support::command(hardened());
    command.args(args);
    command
}
