//! Golden test: `cargo run` prints exactly `expected_output.txt`, apart from the blank lines
//! before and after it (the app's stdout starts with two; the comparison trims them).
//!
//! The app is started as `cargo run` starts it: no arguments, and with the `CARGO` and
//! `CARGO_MANIFEST_DIR` variables that Cargo sets for the programs it runs (this test inherits
//! them from `cargo test`), so it also goes through the app's own `cargo build` of the services.
//! Nothing in the app's stdout varies between runs or platforms: pids go to stderr.

use std::process::Command;

#[test]
fn cargo_run_prints_the_expected_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_app"))
        .output()
        .expect("the app binary that Cargo just built runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}:\n{stderr}", output.status);

    let stdout = String::from_utf8(output.stdout).expect("the app prints UTF-8");
    let expected = include_str!("../../expected_output.txt");
    assert_eq!(trimmed(&stdout), trimmed(expected));
}

/// The expected file leaves out the blank lines around the output; a Windows checkout may turn
/// `\n` into `\r\n` in it even though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
