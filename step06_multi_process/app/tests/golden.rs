//! Golden test: `cargo run` prints exactly `expected_output.txt`, apart from the blank lines
//! before and after it (the app's stdout starts with two; the comparison trims them).
//!
//! The app is started as `cargo run` starts it: no arguments, and with the `CARGO` and
//! `CARGO_MANIFEST_DIR` variables that Cargo sets for the programs it runs (this test inherits
//! them from `cargo test`), so it goes through the app's own `cargo build` of the services. The
//! test removes the service binaries first: the run succeeds only if that build made them again,
//! as it remakes a service whose component was edited. Nothing in the app's stdout varies between
//! runs or platforms: pids go to stderr.

use std::env::consts::EXE_SUFFIX;
use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn cargo_run_builds_the_services_first_and_prints_the_expected_output() {
    let app = Path::new(env!("CARGO_BIN_EXE_app"));
    let services =
        ["service1", "service2"].map(|name| app.with_file_name(name.to_string() + EXE_SUFFIX));
    for service in &services {
        let _ = fs::remove_file(service); // absent already: the build makes it all the same
    }

    let output = Command::new(app)
        .output()
        .expect("the app binary that Cargo just built runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{}:\n{stderr}", output.status);
    for service in &services {
        assert!(
            service.is_file(),
            "the app did not build {}",
            service.display()
        );
    }

    let stdout = String::from_utf8(output.stdout).expect("the app prints UTF-8");
    let expected = include_str!("../../expected_output.txt");
    assert_eq!(trimmed(&stdout), trimmed(expected));
}

/// The expected file leaves out the blank lines around the output; a Windows checkout may turn
/// `\n` into `\r\n` in it even though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
