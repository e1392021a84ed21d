//! Runs the real `amqp_floor` binary: against the real RabbitMQ for the summary, and with bad
//! arguments or an unreachable broker for the errors.
//!
//! Without a broker at `AMQP_ADDR` (default `amqp://127.0.0.1:5672/%2f`) the tests that need one
//! print why and pass as skipped, except under `CI=true`, where that is a failure: a broken CI
//! setup must not pass as "everything skipped". Run them with `cargo test --test amqp_floor`
//! from `bench/floors/`.

use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use measure::Summary;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FLOOR: &str = env!("CARGO_BIN_EXE_amqp_floor");
/// Every run in these tests is bounded by this, generous for a loaded 2-core machine.
const LIMIT: Duration = Duration::from_secs(120);

fn broker_addr() -> String {
    std::env::var("AMQP_ADDR").unwrap_or_else(|_| "amqp://127.0.0.1:5672/%2f".into())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}

/// True when the test must not run: RabbitMQ is unreachable and this is not CI.
fn skip_without_broker(test: &str) -> bool {
    let addr = broker_addr();
    let reached = runtime().block_on(async {
        let attempt = Connection::connect(&addr, ConnectionProperties::default());
        match tokio::time::timeout(Duration::from_secs(5), attempt).await {
            Ok(Ok(connection)) => {
                let _ = connection.close(200, "probe".into()).await;
                Ok(())
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err("no answer within 5 s".into()),
        }
    });
    match reached {
        Ok(()) => false,
        Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "cannot reach RabbitMQ at {}: {error}; CI=true, so this fails",
                broker_addr()
            )
        }
        Err(error) => {
            eprintln!(
                "SKIPPED {test}: cannot reach RabbitMQ at {}: {error}\n  start it \
                 (`rabbitmq-server -detached`) and run the tests again",
                broker_addr()
            );
            true
        }
    }
}

/// Runs the floor to the end, killing it if it outlives [`LIMIT`].
fn run_floor(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut child = Command::new(FLOOR)
        .args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the floor binary starts");
    // Read both pipes on threads, so a full pipe can never stall the child.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stdout.read_to_end(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait works") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("amqp_floor did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().expect("the stdout reader"),
        stderr: err.join().expect("the stderr reader"),
    }
}

#[test]
fn a_few_pipelines_end_stdout_with_a_summary_that_counts_them() {
    if skip_without_broker("a_few_pipelines_end_stdout_with_a_summary_that_counts_them") {
        return;
    }
    let summary = summary_of(&["--repeat", "20", "--warmup", "3"]);
    assert_eq!((summary.requests, summary.ok, summary.failed), (20, 20, 0));
    assert!(summary.p50 > Duration::ZERO && summary.p50 <= summary.p99);
    assert!(summary.elapsed >= summary.p50);
    // Without `--reply`, step 08's way: direct reply-to.
    assert_eq!(summary.extra("reply"), Some("direct"));
}

#[test]
fn replies_through_a_private_queue_give_a_summary_that_says_so() {
    if skip_without_broker("replies_through_a_private_queue_give_a_summary_that_says_so") {
        return;
    }
    let summary = summary_of(&["--repeat", "20", "--warmup", "3", "--reply", "queue"]);
    assert_eq!((summary.requests, summary.ok, summary.failed), (20, 20, 0));
    assert_eq!(summary.extra("reply"), Some("queue"));
    let direct = summary_of(&["--reply", "direct", "--repeat", "5"]);
    assert_eq!((direct.ok, direct.extra("reply")), (5, Some("direct")));
}

/// Runs the floor with `args`, which must succeed, and parses its last line.
fn summary_of(args: &[&str]) -> Summary {
    let output = run_floor(args, &[]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{args:?}, stderr:\n{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    Summary::parse(last).unwrap_or_else(|e| panic!("{e}: {last:?}"))
}

#[test]
fn the_floor_deletes_its_queues_when_it_ends() {
    if skip_without_broker("the_floor_deletes_its_queues_when_it_ends") {
        return;
    }
    let output = run_floor(&["--repeat", "2"], &[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "stderr:\n{stderr}");
    // The floor names its queues on stderr: `... on queues floor-<pid>-process and
    // floor-<pid>-transform`.
    let queues: Vec<&str> = stderr
        .split_whitespace()
        .filter(|word| word.starts_with("floor-"))
        .collect();
    assert_eq!(queues.len(), 2, "{stderr}");

    runtime().block_on(async {
        let connection = Connection::connect(&broker_addr(), ConnectionProperties::default())
            .await
            .expect("the broker is up");
        for queue in queues {
            // A passive declare of a missing queue fails (404) and closes its channel, so each
            // question gets a channel of its own.
            let channel = connection.create_channel().await.expect("a channel");
            let asked = channel
                .queue_declare(
                    queue.into(),
                    QueueDeclareOptions::durable().passive(),
                    FieldTable::default(),
                )
                .await;
            assert!(asked.is_err(), "queue {queue} is still on the broker");
        }
        let _ = connection.close(200, "test done".into()).await;
    });
}

#[test]
fn bad_arguments_exit_1_with_a_one_line_error() {
    for args in [
        &[][..],
        &["--repeat", "0"],
        &["--repeat", "5", "--fast"],
        &["--repeat", "5", "--reply", "sideways"],
        &["--repeat", "5", "--reply"],
    ] {
        let output = run_floor(args, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);

        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("amqp_floor: "), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_unreachable_broker_exits_1_with_a_one_line_error() {
    // Port 1 on loopback: nothing listens there, every attempt is refused at once.
    let output = run_floor(
        &["--repeat", "5"],
        &[("AMQP_ADDR", "amqp://guest:secret@127.0.0.1:1/%2f")],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("amqp_floor: cannot reach RabbitMQ at amqp://guest:***@127.0.0.1:1/%2f"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"));
}
