//! Golden test: `cargo run` prints exactly `expected_output.txt`, and nothing on its stderr says
//! `ERROR`. No program here installs a `tracing` subscriber, so lapin's own logs (an `ERROR` when
//! a client drops its connection without closing it) stay silent; this keeps it so.
//!
//! The app runs as `cargo run` runs it (no arguments, so it starts its own two workers), on a
//! queue prefix of its own.

use crate::support::{Topology, require_broker, run};
use std::path::Path;

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn cargo_run_prints_the_expected_output() {
    require_broker();
    let topology = Topology::new("golden");
    let app = Path::new(env!("CARGO_BIN_EXE_app"));
    let (status, stdout, stderr) = run(app, &topology, &[], &[]);
    assert!(
        status.success(),
        "app exited with {status}; stderr:\n{stderr}"
    );

    let expected = include_str!("../../../expected_output.txt");
    assert_eq!(trimmed(&stdout), trimmed(expected));
    assert!(!stderr.contains("ERROR"), "{stderr}");
}

/// Leading and trailing blank lines are not part of the comparison; a Windows checkout may
/// turn `\n` into `\r\n` in the expected file even though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
