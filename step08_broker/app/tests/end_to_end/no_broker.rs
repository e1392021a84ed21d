//! What a reader without RabbitMQ sees: the app and a worker each fail with one line naming the
//! address and the command that starts a broker; and this test target's own broker tests fail
//! (never pass) with one line each. None of these tests needs a broker.

use crate::support::{CLOSED_PORT, NO_BROKER, Topology, binary, run};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn no_broker_is_one_line_with_the_command_that_starts_one_and_exit_1() {
    // Nothing is declared, so the topology's clean-up finds nothing to delete.
    let topology = Topology::new("unused");
    let started = Instant::now();
    let app = Path::new(env!("CARGO_BIN_EXE_app"));
    let (status, _, stderr) = run(app, &topology, &[], &[("AMQP_ADDR", CLOSED_PORT)]);

    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f ("),
        "{stderr}"
    );
    assert!(
        stderr.contains("start one with `docker run -d --name rabbitmq"),
        "{stderr}"
    );
}

#[test]
fn a_worker_with_no_broker_exits_1_with_the_same_line() {
    let output = Command::new(binary("service2"))
        .env("AMQP_ADDR", CLOSED_PORT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let expected = "error: cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f (";
    assert!(stderr.starts_with(expected), "{stderr}");
    assert!(stderr.contains("start one with `docker run"), "{stderr}");
}

/// lapin panics on a queue name over 255 bytes; the prefix is refused first, with one line.
#[test]
fn a_queue_prefix_too_long_for_amqp_is_one_line_not_a_panic() {
    let app = Path::new(env!("CARGO_BIN_EXE_app"));
    let prefix = "x".repeat(300);
    let envs = [
        ("AMQP_ADDR", CLOSED_PORT),
        ("QUEUE_PREFIX", prefix.as_str()),
    ];
    let output = Command::new(app).envs(envs).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: QUEUE_PREFIX is too long"),
        "{stderr}"
    );
}

/// Issue 26: this very test binary, run again against a closed port with only its broker tests
/// selected, must end `FAILED` with `0 passed`, each test failing with the one line.
#[test]
#[cfg_attr(
    skip_broker_tests,
    ignore = "the broker tests are ignored: nothing to check"
)]
fn without_a_broker_the_broker_tests_fail_and_none_passes() {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "golden::",
            "workers::",
            "stale_workers::",
            "--test-threads=4",
        ])
        .env("AMQP_ADDR", CLOSED_PORT)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("test result:"))
        .unwrap_or_default();
    assert!(
        summary.starts_with("test result: FAILED. 0 passed; 6 failed; 0 ignored"),
        "{stdout}"
    );
    let one_line = format!("{NO_BROKER}: cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f");
    assert_eq!(stdout.matches(&one_line).count(), 6, "{stdout}");
    assert!(stdout.contains("STEP08_SKIP_BROKER_TESTS=1"), "{stdout}");
}

/// And under `STEP08_SKIP_BROKER_TESTS=1` they are compiled as ignored, never as passed: every
/// test that calls `require_broker()` carries the `cfg_attr(skip_broker_tests, ignore)` line.
#[test]
fn every_test_that_needs_the_broker_is_ignored_under_the_opt_out() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["tests/end_to_end", "../hardened/tests/hardened"] {
        for entry in std::fs::read_dir(dir.join(file)).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            for test in source.split("#[test]").skip(1) {
                let body = test.split("\n}\n").next().unwrap_or_default();
                if body.contains("\n    require_broker();") {
                    let attribute = "#[cfg_attr(skip_broker_tests, ignore = ";
                    assert!(
                        body.trim_start().starts_with(attribute),
                        "{}:{body}",
                        path.display()
                    );
                }
            }
        }
    }
}
