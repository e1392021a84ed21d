//! The hardened app: external and local workers, errors, and `--repeat`.

use crate::hardened;
use crate::support::{
    CLOSED_PORT, Program, Topology, WAIT, Worker, binary, require_broker, run, runtime,
};
use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn external_workers_answer_the_pipeline() {
    require_broker();
    let topology = Topology::new("happy");
    let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    let service2 = Worker::start("service2", &topology, &[], &[]); // a lesson worker serves too

    let (status, stdout, stderr) = run(&hardened(), &topology, &["--workers", "external"], &[]);

    assert!(status.success(), "stderr:\n{stderr}");
    assert!(
        stdout.contains("\nAnalysis: 84 maps to Value-0084\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\nExecution complete\n"), "{stdout}");
    assert_eq!((service1.answered(), service2.answered()), (1, 1));
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn an_overflowing_input_ends_with_exit_1_and_the_rejected_line() {
    require_broker();
    let topology = Topology::new("overflow_app");
    let (status, stdout, stderr) = run(&hardened(), &topology, &["--input", "2147483647"], &[]);

    assert_eq!(
        status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let last = stderr.lines().last().unwrap_or_default();
    let expected = "error: the worker on queue \"process\" rejected the input: overflow: doubling \
                    2147483647";
    assert!(last.starts_with(expected), "{stderr}");
    assert!(!stdout.contains("Execution complete"));
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_request_nobody_answers_times_out_naming_the_queue() {
    require_broker();
    let topology = Topology::new("timeout");
    let args = ["--workers", "external", "--timeout-ms", "1000"];
    let (status, _, stderr) = run(&hardened(), &topology, &args, &[]);

    assert_eq!(status.code(), Some(1));
    // The queue's name without the test's prefix, as a reader's run would show it.
    let expected = "error: the worker on queue \"process\" did not answer within 1s";
    assert_eq!(stderr.lines().last(), Some(expected), "{stderr}");
}

/// The request carries the call's timeout as its `expiration`: once its caller gave up, it leaves
/// the queue instead of waiting for a worker that would answer nobody.
#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_request_whose_caller_timed_out_expires_from_its_queue() {
    require_broker();
    let topology = Topology::new("expires");
    let args = ["--workers", "external", "--timeout-ms", "500"];
    let (status, _, stderr) = run(&hardened(), &topology, &args, &[]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    let process = topology.queue("process");
    let empty = |count| count == 0;
    wait_for_queue(
        &topology,
        &process,
        empty,
        "the timed-out request is still in its queue",
    );
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn the_app_waits_for_a_worker_and_completes_once_one_starts() {
    require_broker();
    let topology = Topology::new("waiting");
    let mut app = Program::start(&hardened(), &topology, &["--workers", "external"], &[]);
    // The request is published and waits in the queue; nobody has taken it.
    let process = topology.queue("process");
    let queued = |count| count > 0;
    wait_for_queue(
        &topology,
        &process,
        queued,
        "the request never reached the queue",
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(app.is_running(), "the app must wait, not fail");

    let _service1 = Worker::start("service1", &topology, &[], &[]);
    let _service2 = Worker::start("service2", &topology, &[], &[]);
    let (status, stdout, stderr) = app.finish();
    assert!(status.success(), "stderr:\n{stderr}");
    assert!(
        stdout.contains("Analysis: 84 maps to Value-0084"),
        "{stdout}"
    );
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn warmup_pipelines_run_first_and_are_not_counted() {
    require_broker();
    let topology = Topology::new("warmup");
    let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    let service2 = Worker::start("hardened-service2", &topology, &[], &[]);

    let args = ["--workers", "external", "--repeat", "5", "--warmup", "3"];
    let (status, stdout, stderr) = run(&hardened(), &topology, &args, &[]);

    assert!(status.success(), "stderr:\n{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("summary: requests=5 ok=5 failed=0 "),
        "{summary}"
    );
    // The workers saw the warm-up too: 3 + 5 pipelines, one request each.
    assert_eq!((service1.answered(), service2.answered()), (8, 8));
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn several_local_service1_workers_all_answer() {
    require_broker();
    let topology = Topology::new("scaled");
    // WORKER_LOG set: the local workers keep their per-message lines even under --repeat.
    let args = [
        "--repeat",
        "30",
        "--concurrency",
        "6",
        "--service1-workers",
        "3",
    ];
    let envs = [("WORK_MS", "5"), ("WORKER_LOG", "1")];
    let (status, stdout, stderr) = run(&hardened(), &topology, &args, &envs);

    assert!(status.success(), "stderr:\n{stderr}");
    assert!(
        stdout.contains("summary: requests=30 ok=30 failed=0 "),
        "{stdout}"
    );
    // Each answer is one line `service1-<pid>: <request id>: {"value":42} -> ...`.
    let answered_by = |kind: &str| -> HashSet<String> {
        let answers = stderr.lines().filter(|line| line.contains(" -> "));
        let ids = answers.filter_map(|line| Some(line.split_once(": ")?.0.to_string()));
        ids.filter(|id| id.starts_with(kind)).collect()
    };
    assert_eq!(answered_by("service1").len(), 3, "{stderr}");
    assert_eq!(answered_by("service2").len(), 1, "{stderr}");
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn work_ms_does_not_slow_service2() {
    require_broker();
    let topology = Topology::new("work_ms");
    let _service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    // Ten minutes per message, if service2 read it: the 20 s timeout below would fire.
    let _service2 = Worker::start(
        "hardened-service2",
        &topology,
        &[],
        &[("WORK_MS", "600000")],
    );

    let args = ["--workers", "external", "--timeout-ms", "20000"];
    let (status, stdout, stderr) = run(&hardened(), &topology, &args, &[]);
    assert!(status.success(), "stderr:\n{stderr}");
    assert!(
        stdout.contains("Analysis: 84 maps to Value-0084"),
        "{stdout}"
    );
}

/// A mistake on the command line is one line and exit status 1; `--help` exits 0. No broker is
/// needed: parsing comes first (should it not, the closed port fails within a second).
#[test]
fn a_bad_flag_exits_1_with_one_line_and_help_exits_0() {
    for name in ["hardened", "hardened-service1", "hardened-service2"] {
        let path = binary(name);
        let run = |args: &[&str]| {
            let mut command = Command::new(&path);
            command
                .args(args)
                .env("AMQP_ADDR", CLOSED_PORT)
                .env("AMQP_CONNECT_TIMEOUT_SECS", "1");
            command.output().expect("the binary runs")
        };
        let output = run(&["--inptu", "3"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("'--inptu'"),
            "{name}: {stderr}"
        );
        let help = run(&["--help"]);
        assert_eq!(help.status.code(), Some(0), "{name}: {help:?}");
        assert!(
            String::from_utf8_lossy(&help.stdout).contains("Usage: "),
            "{name}"
        );
    }
}

#[test]
fn no_broker_is_one_line_without_the_password_after_the_retries() {
    let closed = "amqp://app:s3cret@127.0.0.1:1/%2f";
    for name in ["hardened", "hardened-service2"] {
        let mut command = Command::new(binary(name));
        command
            .env("AMQP_ADDR", closed)
            .env("AMQP_CONNECT_TIMEOUT_SECS", "1");
        let output = command.output().expect("the binary runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("cannot reach RabbitMQ at amqp://app:***@127.0.0.1:1/%2f ("),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("s3cret"), "{name}: {stderr}");
    }
}

/// Waits, `WAIT` at most, until the number of messages in `queue` is one that `holds` accepts;
/// `otherwise` is the test's failure when it never is.
fn wait_for_queue(topology: &Topology, queue: &str, holds: impl Fn(u32) -> bool, otherwise: &str) {
    runtime().block_on(async {
        let (connection, channel) = topology.open().await;
        let passive = QueueDeclareOptions {
            passive: true,
            durable: true,
            ..Default::default()
        };
        let deadline = Instant::now() + WAIT;
        loop {
            let declared = channel.queue_declare(queue.into(), passive, FieldTable::default());
            if holds(declared.await.unwrap().message_count()) {
                break;
            }
            assert!(Instant::now() < deadline, "{otherwise}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = connection.close(200, "done".into()).await;
    });
}
