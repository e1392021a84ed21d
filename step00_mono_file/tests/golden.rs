//! Golden test: `cargo run` prints exactly the post's "Expected output" for this step.
//!
//! The expected text lives in one place, `expected_output.txt` at the step root; the README shows
//! the same text and a root test (`cargo xtask test`) keeps the two equal.

use std::process::Command;

#[test]
fn cargo_run_prints_the_posts_expected_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_app"))
        .output()
        .expect("the app binary that Cargo just built runs");
    assert!(output.status.success(), "app exited with {}", output.status);

    let stdout = String::from_utf8(output.stdout).expect("the app prints UTF-8");
    let expected = include_str!("../expected_output.txt");
    assert_eq!(trimmed(&stdout), trimmed(expected));
}

/// The post leaves out the blank lines around the output; a Windows checkout may turn `\n` into
/// `\r\n` in the expected file even though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
