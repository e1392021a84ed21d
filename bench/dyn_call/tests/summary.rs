//! Runs the real program, as `cargo xtask bench` does, with a handful of pipelines.

use std::process::Command;

#[test]
fn a_short_run_prints_the_components_chatter_then_a_summary_of_the_pipelines_asked_for() {
    let output = Command::new(env!("CARGO_BIN_EXE_dyn_call"))
        .args(["--repeat", "7", "--warmup", "3"])
        .output()
        .expect("the program starts");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    // 1 checked + 3 warm-up + 7 measured pipelines, one "Processing value" line each.
    assert_eq!(
        stdout.matches("Processing value: 42").count(),
        11,
        "{stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    let summary = measure::Summary::parse(last).expect("the last line is a summary");
    assert_eq!((summary.requests, summary.ok, summary.failed), (7, 7, 0));
    assert!(summary.p50 <= summary.p99, "{last}");
}

#[test]
fn a_missing_repeat_is_one_line_on_stderr_and_status_1() {
    let output = Command::new(env!("CARGO_BIN_EXE_dyn_call"))
        .output()
        .expect("the program starts");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--repeat"), "{stderr}");
}
