//! The pipeline through two child processes, and the errors a reader can run into.

use std::env::consts::EXE_SUFFIX;
use std::fs;

use crate::support::{
    app, app_in, run, scratch_dir, service_dir, stopped_cleanly, summary_fields, summary_value,
};

#[test]
fn the_pipeline_runs_through_both_services_and_stops_them() {
    let run = run(app(&[]));
    assert!(run.status.success(), "{run:#?}");
    for line in [
        "Component1 version: 0.1.0 (reported by service1)",
        "Component2 version: 0.2.0 (reported by service2)",
        "Component1 result: ProcessResult { value: 84, processed: true }, Valid: true",
        "Component2 result: TransformResult { original: 84, transformed: \"Value-0084\" }",
        "Analysis: 84 maps to Value-0084",
        "Execution complete",
    ] {
        assert!(
            run.stdout.lines().any(|printed| printed == line),
            "no line {line:?} in\n{}",
            run.stdout
        );
    }
    // The services did the work and logged it on stderr, never on stdout.
    assert!(
        run.stderr.contains("] Processing value: 42"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("Processing value"), "{}", run.stdout);
    for service in ["service1", "service2"] {
        assert!(
            stopped_cleanly(&run.stderr, service),
            "{service} was not stopped cleanly:\n{}",
            run.stderr
        );
    }
}

#[test]
fn another_input_flows_through_the_same_way() {
    let run = run(app(&["--input", "7"]));
    assert!(run.status.success(), "{run:#?}");
    assert!(
        run.stdout.contains("Analysis: 14 maps to Value-0014"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_app_validates_what_came_over_the_wire_and_a_negative_result_is_not_valid() {
    let run = run(app(&["--input", "-5"]));
    assert!(run.status.success(), "{run:#?}");
    assert!(
        run.stdout.contains(
            "Component1 result: ProcessResult { value: -10, processed: true }, Valid: false"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Analysis: -10 maps to Value--010"),
        "{}",
        run.stdout
    );
}

#[test]
fn repeat_prints_only_the_summary_line_with_every_pipeline_ok() {
    let run = run(app(&["--repeat", "25"]));
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    let keys: Vec<String> = summary_fields(&run.stdout)
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    assert_eq!(
        keys,
        [
            "requests",
            "ok",
            "failed",
            "elapsed_ms",
            "p50_us",
            "p99_us",
            "max_us",
            "restarts"
        ]
    );
    for (key, expected) in [
        ("requests", "25"),
        ("ok", "25"),
        ("failed", "0"),
        ("restarts", "0"),
    ] {
        assert_eq!(summary_value(&run.stdout, key), expected, "{}", run.stdout);
    }
    // Quiet services: no per-request chatter.
    assert!(!run.stderr.contains("Processing value"), "{}", run.stderr);
}

#[test]
fn warmup_pipelines_are_run_but_left_out_of_the_summary() {
    let run = run(app(&["--repeat", "7", "--warmup", "20"]));
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    for (key, expected) in [("requests", "7"), ("ok", "7"), ("failed", "0")] {
        assert_eq!(summary_value(&run.stdout, key), expected, "{}", run.stdout);
    }
}

#[test]
fn an_overflowing_input_exits_1_with_an_overflow_error() {
    let run = run(app(&["--input", "2147483647"]));
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains("overflow"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stdout.contains("Execution complete"), "{}", run.stdout);
    // The children were still stopped in order: an error is not a reason to leave them behind.
    for service in ["service1", "service2"] {
        assert!(stopped_cleanly(&run.stderr, service), "{}", run.stderr);
    }
}

#[test]
fn an_overflowing_input_with_repeat_counts_one_failed_pipeline() {
    let run = run(app(&["--input", "2147483647", "--repeat", "10"]));
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    assert_eq!(summary_value(&run.stdout, "failed"), "1", "{}", run.stdout);
    assert_eq!(summary_value(&run.stdout, "ok"), "0", "{}", run.stdout);
    assert!(run.stderr.contains("overflow"), "{}", run.stderr);
}

#[test]
fn a_missing_service_binary_is_a_clear_error_naming_the_file_and_the_fix() {
    let empty = scratch_dir("missing");
    let run = run(app_in(&empty, &[]));
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    let expected_path = empty.join(format!("service1{EXE_SUFFIX}"));
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains(&expected_path.display().to_string()),
        "{last}"
    );
    assert!(
        last.contains("does not exist") && last.contains("cargo build -p service1"),
        "{last}"
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn the_service_dir_variable_is_used_when_no_flag_is_given() {
    let empty = scratch_dir("env");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_app"));
    command.env("SERVICE_DIR", &empty);
    let run = run(command);
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    assert!(
        run.stderr.contains(&empty.display().to_string()),
        "{}",
        run.stderr
    );
}

#[test]
fn the_wrong_binary_in_a_services_place_is_refused_after_the_hello() {
    let dir = scratch_dir("wrong");
    let service2 = service_dir().join(format!("service2{EXE_SUFFIX}"));
    fs::copy(&service2, dir.join(format!("service1{EXE_SUFFIX}"))).expect("service2 can be copied");
    let run = run(app_in(&dir, &[]));
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    assert!(
        run.stderr
            .contains("is not service1: it introduced itself as \"service2\""),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_flag_exits_1_with_the_flag_named() {
    let run = run(app(&["--input", "forty-two"]));
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--input") && run.stderr.contains("forty-two"),
        "{}",
        run.stderr
    );
    // Nothing was started for a command line that cannot run.
    assert!(!run.stderr.contains("started service1"), "{}", run.stderr);
}
