//! The command line of the real binaries: a mistake is one line and exit status 1, `--help` is
//! exit status 0. The app and both workers share this behaviour (`common::ParseOrExit`).
//!
//! No broker is needed: parsing comes first. Should it ever not, `AMQP_ADDR` points at a port
//! where nothing listens, so a binary that went on would fail within a second, not hang.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The app, then both workers.
fn binaries() -> [(&'static str, PathBuf); 3] {
    [
        ("app", PathBuf::from(env!("CARGO_BIN_EXE_app"))),
        ("service1", crate::support::worker_binary("service1")),
        ("service2", crate::support::worker_binary("service2")),
    ]
}

fn run(binary: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .args(args)
        .env("AMQP_ADDR", "amqp://127.0.0.1:1/%2f")
        .env("AMQP_CONNECT_TIMEOUT_SECS", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn a_bad_flag_exits_1_with_one_line_naming_the_flag() {
    for (name, binary) in binaries() {
        let output = run(&binary, &["--inptu", "3"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.starts_with("error: "), "{name}: {stderr}");
        assert!(stderr.contains("'--inptu'"), "{name}: {stderr}");
    }
}

#[test]
fn a_bad_value_exits_1_with_one_line_naming_the_flag() {
    let output = run(
        Path::new(env!("CARGO_BIN_EXE_app")),
        &["--input", "forty-two"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--input"), "{stderr}");
}

#[test]
fn help_exits_0_with_the_usage_on_stdout() {
    for (name, binary) in binaries() {
        let output = run(&binary, &["--help"]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{name}: {output:?}");
        assert!(stdout.contains("Usage: "), "{name}: {stdout}");
        assert!(stdout.contains("--amqp-addr"), "{name}: {stdout}");
    }
}
