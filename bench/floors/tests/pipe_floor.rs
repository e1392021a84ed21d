//! `pipe_floor`, the real binary with its real echo children: what `cargo xtask bench` relies on.
//!
//! Run with `cargo test --test pipe_floor` from `bench/floors/`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use measure::Summary;

fn pipe_floor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pipe_floor"))
        .args(args)
        .output()
        .expect("pipe_floor can be started")
}

#[test]
fn a_short_run_ends_stdout_with_a_summary_of_the_measured_pipelines() {
    let run = pipe_floor(&["--repeat", "20", "--warmup", "5"]);
    assert!(run.status.success(), "{run:#?}");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let summary = Summary::parse(last).unwrap_or_else(|error| panic!("{error}: {last:?}"));
    // The warm-up pipelines ran but are not counted.
    assert_eq!((summary.requests, summary.ok, summary.failed), (20, 20, 0));
    assert!(summary.p50 > std::time::Duration::ZERO, "{summary:?}");
    assert!(summary.p50 <= summary.p99, "{summary:?}");
    assert!(
        run.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

#[test]
fn bad_arguments_exit_1_with_a_one_line_error_naming_the_problem() {
    for (args, named) in [
        (&[][..], "--repeat"),
        (&["--repeat", "0"][..], "--repeat"),
        (&["--repeat", "many"][..], "many"),
        (&["--repeat", "5", "--fast"][..], "--fast"),
    ] {
        let run = pipe_floor(args);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("pipe_floor: ") && stderr.contains(named),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn the_echo_child_sends_back_every_line_and_exits_0_when_stdin_closes() {
    let mut echo = Command::new(env!("CARGO_BIN_EXE_pipe_floor"))
        .arg("--echo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the echo child can be started");
    let lines = "{\"id\":1,\"type\":\"process\",\"value\":42}\nsecond line\n";
    let mut stdin = echo.stdin.take().expect("stdin is piped");
    stdin
        .write_all(lines.as_bytes())
        .expect("the echo child reads its stdin");
    // Closing stdin is how the echo child is told to stop.
    drop(stdin);
    let output = echo
        .wait_with_output()
        .expect("the echo child can be waited for");
    assert!(output.status.success(), "{output:#?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), lines);
    assert!(output.stderr.is_empty(), "{output:#?}");
}
