//! Golden test: `cargo run` prints exactly `expected_output.txt`.
//!
//! The app runs as `cargo run` runs it (no arguments, so it starts its own two workers), on a
//! queue prefix of its own. One part of the output varies from run to run: the process id in
//! the name of the worker that answered (`service1-4242`, plus `@host` in a container). The test
//! replaces it with `<pid>`, as `expected_output.txt` shows it.

use crate::support::{Topology, run_app, skip_without_broker};

#[test]
fn cargo_run_prints_the_expected_output() {
    if skip_without_broker("cargo_run_prints_the_expected_output") {
        return;
    }
    let topology = Topology::new("golden");
    let (status, stdout, stderr) = run_app(&topology, &[], &[]);
    assert!(
        status.success(),
        "app exited with {status}; stderr:\n{stderr}"
    );

    let expected = include_str!("../../../expected_output.txt");
    assert_eq!(normalized(&stdout), trimmed(expected));
}

/// `answered by service1-4242@abc` becomes `answered by service1-<pid>`.
fn normalized(stdout: &str) -> String {
    let lines: Vec<String> = trimmed(stdout)
        .lines()
        .map(|line| match line.split_once(" answered by ") {
            Some((head, worker)) => {
                let name = worker.split('-').next().unwrap_or(worker);
                format!("{head} answered by {name}-<pid>")
            }
            None => line.to_string(),
        })
        .collect();
    lines.join("\n")
}

/// Leading and trailing blank lines are not part of the comparison; a Windows checkout may
/// turn `\n` into `\r\n` in the expected file even though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}

#[test]
fn the_normalization_touches_only_the_worker_id() {
    assert_eq!(
        normalized("\n\nx\n        [RabbitMQ] process answered by service1-4242@c0ffee\n"),
        "x\n        [RabbitMQ] process answered by service1-<pid>"
    );
}
