//! End-to-end tests of step 05: the real `app` binary, loading real plugin files.
//!
//! Nothing is mocked. `cargo test` builds every plugin file these tests load, the real ones and
//! the broken ones in `fixtures/`, into the app's own directory first: they are the app's
//! `[dev-dependencies]`. Each test runs the app as a child process and checks what it printed and
//! how it exited, the way a user would see it.
//!
//! - `golden`: the whole output of a plain run, against `expected_output.txt`.
//! - `pipeline`: the flags that change a good run (`--input`, `--repeat`, swapping a plugin,
//!   `--plugin-dir` and `PLUGIN_DIR`).
//! - `bad_plugins`: every way a plugin file can be wrong, and input that overflows; each must end
//!   in one clear line on stderr and exit status 1, never a panic or a crash.

mod bad_plugins;
mod golden;
mod pipeline;
mod support;
