//! A service that fails mid-run: the app notices, says which one and how it ended, restarts it,
//! retries the request, and the run still succeeds. And Ctrl-C stops everything in order.

use crate::support::{
    RunningApp, app_with_faulty_service1, kill_process, pid_in, run, stopped_cleanly, summary_value,
};

#[test]
fn a_service_killed_during_a_repeat_run_is_restarted_and_every_pipeline_succeeds() {
    // service1 (the faulty_service fixture in its place) hangs on its first work request, which holds the run still at a
    // known point; the test then kills it from outside, as a user or the OS could. The timeout
    // is long, so the restart can only come from noticing the death.
    let command = app_with_faulty_service1(
        "killed",
        "hang",
        &["--repeat", "50", "--timeout-ms", "100000"],
    );
    let mut running = RunningApp::start(command);
    let hanging = running.wait_for_stderr("fault: hang");
    let pid = pid_in(&hanging);
    kill_process(pid);

    let run = running.finish();
    assert!(run.status.success(), "{run:#?}");
    for (key, expected) in [
        ("requests", "50"),
        ("ok", "50"),
        ("failed", "0"),
        ("restarts", "1"),
    ] {
        assert_eq!(summary_value(&run.stdout, key), expected, "{run:#?}");
    }
    // Which service, which process, and how it ended (a signal on Unix, an exit code on Windows).
    let died = format!("service1 (pid {pid}) closed its stdout; it ended with ");
    assert!(run.stderr.contains(&died), "{}", run.stderr);
    if cfg!(unix) {
        assert!(
            run.stderr.contains(&format!("{died}signal: 9 (SIGKILL)")),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("restarting service1 in 100 ms"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_hanging_service_is_killed_after_the_timeout_and_the_request_retried() {
    let command =
        app_with_faulty_service1("hang", "hang", &["--repeat", "5", "--timeout-ms", "3000"]);
    let run = run(command);
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(summary_value(&run.stdout, "ok"), "5", "{run:#?}");
    assert_eq!(summary_value(&run.stdout, "restarts"), "1", "{run:#?}");
    assert!(
        run.stderr
            .contains("did not answer within 3000 ms; killed it"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_service_that_crashes_is_restarted_and_the_pipeline_prints_as_usual() {
    let command = app_with_faulty_service1("crash", "crash", &[]);
    let run = run(command);
    assert!(run.status.success(), "{run:#?}");
    assert!(
        run.stdout.contains("Analysis: 84 maps to Value-0084"),
        "{}",
        run.stdout
    );
    let ended = if cfg!(windows) {
        "exit code: 3"
    } else {
        "exit status: 3"
    };
    assert!(
        run.stderr
            .contains(&format!("closed its stdout; it ended with {ended}")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_reply_that_is_not_json_counts_as_a_failure_and_is_retried() {
    let command = app_with_faulty_service1("garbage", "garbage", &["--repeat", "3"]);
    let run = run(command);
    assert!(run.status.success(), "{run:#?}");
    assert_eq!(summary_value(&run.stdout, "restarts"), "1", "{run:#?}");
    assert!(
        run.stderr
            .contains("answered something that is not a reply"),
        "{}",
        run.stderr
    );
}

#[test]
fn when_the_restarts_are_used_up_the_app_exits_1_and_still_stops_the_other_service() {
    let command = app_with_faulty_service1("give-up", "crash", &["--max-restarts", "0"]);
    let run = run(command);
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("service1 failed 1 time in a row, giving up"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(stopped_cleanly(&run.stderr, "service2"), "{}", run.stderr);
}

/// Ctrl-C is a SIGINT to the app (its children are in their own process group, so the terminal
/// does not signal them). Sending SIGINT to another process needs `kill`, hence Unix only; on
/// Windows the same code path runs from the console's Ctrl-C event.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_and_reaps_both_services_then_exits_130() {
    let command = app_with_faulty_service1(
        "ctrl-c",
        "hang",
        &["--repeat", "50", "--timeout-ms", "100000"],
    );
    let mut running = RunningApp::start(command);
    let service1_pid = pid_in(&running.wait_for_stderr("fault: hang"));
    let status = std::process::Command::new("kill")
        .args(["-INT", &running.pid().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());

    let run = running.finish();
    assert_eq!(run.status.code(), Some(130), "{run:#?}");
    // The hanging service1 still exits by itself once its stdin closes, and was reaped by the app.
    let stopped = format!("[app] service1 (pid {service1_pid}) stopped: exit status: 0");
    assert!(
        run.stderr.lines().any(|line| line == stopped),
        "{}",
        run.stderr
    );
    assert!(stopped_cleanly(&run.stderr, "service2"), "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
}
