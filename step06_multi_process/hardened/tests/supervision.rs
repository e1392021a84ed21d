//! The hardened app with real children that fail mid-run: it notices, restarts the child, sends
//! the request again, and the run still succeeds; when restarts cannot help it fails in one line.
//! Also its `--repeat` summary. The helpers are the lesson's (`app/tests/support/`).

#[path = "../../app/tests/support/mod.rs"]
mod support;

use std::fs;
use std::process::Command;

use support::{Finished, Running, assert_failed_with, command, directory, run};

/// The hardened app in a test directory, with `fixtures/faulty_service` as service1 and `fault`
/// beside it: the first `process` request misbehaves, the restarted child serves.
fn with_faulty_service1(test: &str, fault: &str, args: &[&str]) -> Running {
    let dir = directory(test, "hardened", Some("faulty_service"));
    fs::write(dir.join("fault"), fault).expect("the fault file can be written");
    Running::start(command(&dir, "hardened", args))
}

fn with_real_services(test: &str, args: &[&str]) -> Finished {
    let dir = directory(test, "hardened", Some("service1"));
    run(command(&dir, "hardened", args))
}

/// The value of `key` in the `summary:` line, the last line of stdout.
fn summary(run: &Finished, key: &str) -> String {
    let last = run.stdout.lines().last().unwrap_or_default();
    let fields = last.strip_prefix("summary: ").expect("a summary line");
    let value = fields.split(' ').find_map(|field| {
        let (found, value) = field.split_once('=')?;
        (found == key).then(|| value.to_string())
    });
    value.unwrap_or_else(|| panic!("no {key}= in {last:?}"))
}

#[test]
fn a_child_killed_during_a_repeat_run_is_restarted_and_every_pipeline_succeeds() {
    // The faulty service1 hangs on its first request, holding the run still at a known point;
    // the test kills it from outside. The timeout is long: the restart comes from the death.
    let args = ["--repeat", "50", "--timeout-ms", "100000"];
    let mut running = with_faulty_service1("killed", "hang", &args);
    let hanging = running.wait_for_stderr("fault: hang");
    let pid = hanging
        .split("pid ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the fixture logs its pid");
    let status = if cfg!(windows) {
        Command::new("taskkill").args(["/F", "/PID", pid]).status()
    } else {
        Command::new("kill").args(["-s", "KILL", pid]).status()
    };
    assert!(status.expect("kill runs").success());

    let run = running.finish();
    assert!(run.status.success(), "{run:#?}");
    for (key, expected) in [("ok", "50"), ("failed", "0"), ("restarts", "1")] {
        assert_eq!(summary(&run, key), expected, "{run:#?}");
    }
    assert!(
        run.stderr.contains("cannot call service1: it exited"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("restarting service1 in 100 ms"),
        "{run:#?}"
    );
}

#[test]
fn a_hanging_child_is_restarted_after_the_timeout_and_the_request_sent_again() {
    let args = ["--repeat", "5", "--timeout-ms", "1000"];
    let run = with_faulty_service1("hang", "hang", &args).finish();
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(summary(&run, "ok"), "5", "{run:#?}");
    assert_eq!(summary(&run, "restarts"), "1", "{run:#?}");
    assert!(
        run.stderr.contains("service1 did not answer within 1s"),
        "{run:#?}"
    );
}

#[test]
fn a_child_that_crashes_is_restarted_and_the_pipeline_prints_as_usual() {
    let run = with_faulty_service1("crash", "crash", &[]).finish();
    assert!(run.status.success(), "{run:#?}");
    assert!(
        run.stdout.contains("Analysis: 84 maps to Value-0084"),
        "{run:#?}"
    );
    assert!(run.stderr.contains("restarting service1"), "{run:#?}");
}

#[test]
fn a_reply_that_is_not_json_is_a_failure_and_is_retried() {
    let run = with_faulty_service1("garbage", "garbage", &["--repeat", "3"]).finish();
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(summary(&run, "restarts"), "1", "{run:#?}");
    assert!(run.stderr.contains("which is not a reply"), "{run:#?}");
}

#[test]
fn a_line_past_64_kib_is_a_failure_and_is_retried() {
    let run = with_faulty_service1("long", "long", &["--repeat", "3"]).finish();
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(summary(&run, "restarts"), "1", "{run:#?}");
    assert!(run.stderr.contains("which is not a reply"), "{run:#?}");
}

#[test]
fn the_app_validates_what_came_over_the_wire_and_a_negative_result_is_not_valid() {
    let run = with_real_services("negative", &["--input", "-5"]);
    assert!(run.status.success(), "{run:#?}");
    let shown = "Component1 result: ProcessResult { value: -10, processed: true }, Valid: false";
    assert!(run.stdout.contains(shown), "{run:#?}");
    assert!(
        run.stdout.contains("Analysis: -10 maps to Value--010"),
        "{run:#?}"
    );
}

#[test]
fn an_input_that_is_not_a_number_is_one_error_line_and_starts_no_child() {
    let run = with_real_services("not-a-number", &["--input", "forty-two"]);
    assert_failed_with(&run, "forty-two");
    assert!(!run.stderr.contains("ready"), "{run:#?}");
}

#[test]
fn when_the_restarts_are_used_up_the_app_fails_in_one_line() {
    let run = with_faulty_service1("give-up", "crash", &["--max-restarts", "0"]).finish();
    assert_failed_with(&run, "service1: failed 1 time in a row, giving up");
}

#[test]
fn an_error_reply_is_not_retried_and_counts_one_failed_pipeline() {
    let run = with_real_services("overflow", &["--input", "2147483647", "--repeat", "10"]);
    assert_failed_with(&run, "service1 rejected the input: overflow");
    assert_eq!(summary(&run, "failed"), "1", "{run:#?}");
    assert_eq!(summary(&run, "restarts"), "0", "{run:#?}");
}

#[test]
fn repeat_prints_only_the_summary_line_with_every_pipeline_ok() {
    let run = with_real_services("repeat", &["--repeat", "25", "--warmup", "5"]);
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(run.stdout.lines().count(), 1, "{run:#?}");
    for (key, expected) in [("requests", "25"), ("ok", "25"), ("failed", "0")] {
        assert_eq!(summary(&run, key), expected, "{run:#?}");
    }
}

#[test]
fn a_bad_flag_is_one_line_naming_it_and_starts_no_child() {
    let run = with_real_services("bad-flag", &["--timeout-ms", "0"]);
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:#?}");
    assert!(run.stderr.contains("--timeout-ms"), "{run:#?}");
}

#[test]
fn service_dir_points_at_another_directory() {
    let empty = directory("service-dir", "hardened", None);
    let here = directory("service-dir-program", "hardened", Some("service1"));
    let mut command = command(&here, "hardened", &[]);
    command.env("SERVICE_DIR", &empty);
    let run = run(command);
    assert_failed_with(&run, &format!("cannot start {}", empty.display()));
}
