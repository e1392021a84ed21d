//! The real app starting real child processes, in a test directory of its own: the pipeline, and
//! every way a child can fail it. Each failure ends in one `error: ...` line and exit status 1,
//! and in every test, passing or failing, no child outlives the app (`support::Running::finish`
//! waits for their shared stderr to close).

mod support;

use std::fs;

use support::{Running, assert_failed_with, command, directory, run};

/// The app in a test directory, with `as_service1` in service1's place and `fault` beside it.
fn app_with(test: &str, as_service1: &str, fault: Option<&str>, args: &[&str]) -> Running {
    let dir = directory(test, "app", Some(as_service1));
    if let Some(fault) = fault {
        fs::write(dir.join("fault"), fault).expect("the fault file can be written");
    }
    Running::start(command(&dir, "app", args))
}

#[test]
fn the_pipeline_runs_through_both_children_and_leaves_none_behind() {
    let run = app_with("pipeline", "service1", None, &[]).finish();
    assert!(run.status.success(), "{run:#?}");
    for line in [
        "Component1 result: ProcessResult { value: 84, processed: true }, Valid: true",
        "Analysis: 84 maps to Value-0084",
        "Execution complete",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "no {line:?}: {run:#?}"
        );
    }
    // Each child is a process of its own, with its own pid.
    assert!(run.stderr.contains("[service1 pid "), "{run:#?}");
    assert!(run.stderr.contains("[service2 pid "), "{run:#?}");
}

#[test]
fn a_component_error_is_service1_rejecting_the_input_in_one_error_line() {
    // The faulty service1 processes i32::MAX in place of 42: component1's overflow error.
    let run = app_with("overflow", "faulty_service", Some("overflow"), &[]).finish();
    assert_failed_with(&run, "error: service1 rejected the input: overflow");
    assert!(!run.stdout.contains("Execution complete"), "{run:#?}");
}

#[test]
fn a_missing_service_binary_is_one_error_line_naming_the_file() {
    let dir = directory("missing", "app", None);
    let run = run(command(&dir, "app", &[]));
    let path = dir.join(format!("service1{}", std::env::consts::EXE_SUFFIX));
    assert_failed_with(&run, &format!("cannot start {}", path.display()));
    assert!(run.stderr.contains("`cargo build`"), "{run:#?}");
}

#[test]
fn a_file_that_cannot_be_started_is_one_error_line() {
    let dir = directory("not-a-program", "app", None);
    let path = dir.join(format!("service1{}", std::env::consts::EXE_SUFFIX));
    fs::write(&path, "not a program").expect("the file can be written");
    let run = run(command(&dir, "app", &[]));
    assert_failed_with(&run, &format!("cannot start {}", path.display()));
}

#[test]
fn the_wrong_program_in_a_services_place_is_caught_at_its_first_call() {
    let run = app_with("wrong", "service2", None, &[]).finish();
    assert_failed_with(
        &run,
        "service1 rejected the input: service2 does not process",
    );
}

#[test]
fn a_child_that_exits_during_a_call_is_one_error_line() {
    let run = app_with("crash", "faulty_service", Some("crash"), &[]).finish();
    assert_failed_with(&run, "cannot call service1: it exited");
}

#[test]
fn a_child_that_hangs_is_given_up_after_the_timeout_and_killed() {
    let run = app_with("hang", "faulty_service", Some("hang"), &[]).finish();
    assert_failed_with(&run, "error: service1 did not answer within 5s");
}

#[test]
fn a_child_that_answers_garbage_is_one_error_line() {
    let run = app_with("garbage", "faulty_service", Some("garbage"), &[]).finish();
    assert_failed_with(&run, "\"this is not JSON\", which is not a reply");
}

#[test]
fn a_line_that_is_not_utf8_is_not_a_reply_and_the_child_is_not_said_to_have_exited() {
    let run = app_with("not-utf8", "faulty_service", Some("not-utf8"), &[]).finish();
    assert_failed_with(&run, "which is not a reply");
    assert!(!run.stderr.contains("it exited"), "{run:#?}");
}

#[test]
fn a_line_of_100_000_bytes_is_not_a_reply_and_its_error_line_shows_80_bytes_of_it() {
    let run = app_with("long", "faulty_service", Some("long"), &[]).finish();
    assert_failed_with(
        &run,
        &format!("it answered \"{}\", which is not", "x".repeat(80)),
    );
    assert!(!run.stderr.contains(&"x".repeat(81)), "{run:#?}");
}

/// In a terminal, Ctrl-C sends SIGINT to every process of the foreground process group: the app
/// and the children it started, which stay in its group. Each dies of it (the default action),
/// and the OS reaps the children once their parent is gone. This test sends SIGTERM, whose
/// default action is the same: a test started in the background may inherit SIGINT ignored (a
/// shell ignores it for `command &`), and the children would inherit that too. On Windows, the
/// console sends Ctrl-C to every process attached to it, with the same outcome.
#[cfg(unix)]
#[test]
fn a_signal_to_the_process_group_as_ctrl_c_sends_ends_the_app_and_both_children() {
    use std::os::unix::process::ExitStatusExt;

    let mut running = app_with("ctrl-c", "faulty_service", Some("hang"), &[]);
    running.wait_for_stderr("fault: hang"); // mid-run: both children started, service1 hangs
    let group = format!("-{}", running.pid()); // `Running` made the app a group leader
    let status = std::process::Command::new("kill")
        .args(["-s", "TERM", "--", &group])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let run = running.finish(); // returns once the children are gone too
    assert_eq!(run.status.signal(), Some(15), "SIGTERM: {run:#?}");
}

/// The app killed alone, as `kill PID` or a crash would: no code of the app runs, but the OS
/// closes its ends of the pipes, and each child reads end of file on its stdin and exits by
/// itself (service1 here is hanging, but still reading its stdin).
#[test]
fn the_app_killed_alone_leaves_no_child_behind() {
    let mut running = app_with("killed-alone", "faulty_service", Some("hang"), &[]);
    running.wait_for_stderr("fault: hang"); // mid-run: both children started, service1 hangs
    running.kill_only_the_program();
    let run = running.finish(); // returns once the children are gone too
    assert!(!run.status.success(), "{run:#?}");
    assert!(run.stderr.contains("stdin closed: exiting"), "{run:#?}");
}
