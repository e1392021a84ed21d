//! Golden test: a plain `cargo run` prints exactly `expected_output.txt`.

use crate::app;
use crate::support::{command, run};

#[test]
fn a_plain_run_prints_the_expected_output() {
    let run = run(&mut command(app()));
    assert!(
        run.status.success(),
        "app failed: {}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(run.stderr, "", "a good run prints nothing on stderr");

    let expected = include_str!("../../../expected_output.txt");
    assert_eq!(trimmed(&run.stdout), trimmed(expected));
}

/// Leading and trailing blank lines aside; a Windows checkout may also have turned `\n` into
/// `\r\n` in the expected file, though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
