//! End-to-end tests against the real RabbitMQ, with real worker processes and the real app.
//!
//! Each test has its own queue prefix (see `support`), so they run in parallel on the shared
//! broker. Without a reachable broker they print why and pass as skipped, except under
//! `CI=true`, where that is a failure.

use crate::support::{App, Topology, WAIT, Worker, run_app, runtime, skip_without_broker};
use common::queues::WorkQueue;
use lapin::BasicProperties;
use lapin::options::{BasicGetOptions, BasicPublishOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use std::time::{Duration, Instant};

/// The pipeline through workers that run on their own, as in the three-terminal walkthrough.
mod pipeline {
    use super::*;

    #[test]
    fn external_workers_answer_the_pipeline() {
        if skip_without_broker("external_workers_answer_the_pipeline") {
            return;
        }
        let topology = Topology::new("happy");
        let service1 = Worker::start("service1", &topology, &[]);
        let service2 = Worker::start("service2", &topology, &[]);

        let (status, stdout, stderr) = run_app(&topology, &["--workers", "external"], &[]);

        assert!(status.success(), "stderr:\n{stderr}");
        assert!(
            stdout.contains("\nAnalysis: 84 maps to Value-0084\n"),
            "{stdout}"
        );
        assert!(stdout.contains("\nExecution complete\n"), "{stdout}");
        assert!(stdout.contains(&format!("answered by service1-{}", service1.pid())));
        assert_eq!((service1.answered(), service2.answered()), (1, 1));
    }

    #[test]
    fn an_overflowing_input_ends_with_exit_1_and_an_overflow_error() {
        if skip_without_broker("an_overflowing_input_ends_with_exit_1_and_an_overflow_error") {
            return;
        }
        let topology = Topology::new("overflow_app");
        let (status, stdout, stderr) = run_app(&topology, &["--input", "2147483647"], &[]);

        assert_eq!(
            status.code(),
            Some(1),
            "stdout:\n{stdout}\nstderr:\n{stderr}"
        );
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("error: ") && last.contains("overflow: doubling 2147483647"),
            "{stderr}"
        );
        assert!(!stdout.contains("Execution complete"));
        assert!(!stderr.contains("panicked"));
    }

    #[test]
    fn the_app_waits_for_a_worker_and_completes_once_one_starts() {
        if skip_without_broker("the_app_waits_for_a_worker_and_completes_once_one_starts") {
            return;
        }
        let topology = Topology::new("waiting");
        let mut app = App::start(&topology, &["--workers", "external"], &[]);
        // The request is published and waits in the durable queue; nobody has taken it.
        let process = topology.names.work_queue(WorkQueue::Process);
        let deadline = Instant::now() + WAIT;
        runtime().block_on(async {
            let (connection, channel) = topology.open().await;
            let passive = QueueDeclareOptions::durable().passive();
            loop {
                let queue =
                    channel.queue_declare(process.as_str().into(), passive, FieldTable::default());
                if queue.await.unwrap().message_count() > 0 {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the request never reached the queue"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = connection.close(200, "done".into()).await;
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(app.is_running(), "the app must wait, not fail");

        let _service1 = Worker::start("service1", &topology, &[]);
        let _service2 = Worker::start("service2", &topology, &[]);
        let (status, stdout, stderr) = app.finish();

        assert!(status.success(), "stderr:\n{stderr}");
        assert!(
            stdout.contains("Analysis: 84 maps to Value-0084"),
            "{stdout}"
        );
    }

    #[test]
    fn a_request_nobody_answers_times_out_with_a_clear_error() {
        if skip_without_broker("a_request_nobody_answers_times_out_with_a_clear_error") {
            return;
        }
        let topology = Topology::new("timeout");
        let (status, _, stderr) = run_app(
            &topology,
            &["--workers", "external", "--timeout-ms", "1000"],
            &[],
        );

        assert_eq!(status.code(), Some(1));
        assert!(
            stderr.contains("error: no answer from the worker on queue")
                && stderr.contains("within 1s"),
            "{stderr}"
        );
    }

    #[test]
    fn warmup_pipelines_run_first_and_are_not_counted() {
        if skip_without_broker("warmup_pipelines_run_first_and_are_not_counted") {
            return;
        }
        let topology = Topology::new("warmup");
        let service1 = Worker::start("service1", &topology, &[]);
        let service2 = Worker::start("service2", &topology, &[]);

        let (status, stdout, stderr) = run_app(
            &topology,
            &["--workers", "external", "--repeat", "5", "--warmup", "3"],
            &[],
        );

        assert!(status.success(), "stderr:\n{stderr}");
        let summary = stdout.lines().last().unwrap_or_default();
        assert!(
            summary.starts_with("summary: requests=5 ok=5 failed=0 "),
            "{summary}"
        );
        // The workers saw the warm-up too: 3 + 5 pipelines, one request each.
        assert_eq!((service1.answered(), service2.answered()), (8, 8));
        assert!(service1.log.text().contains("-warmup-1/"));
    }
}

/// Adding workers to one stage: the post's elasticity argument, and the `WORK_MS` that shows it.
mod scaling {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn several_local_service1_workers_all_answer() {
        if skip_without_broker("several_local_service1_workers_all_answer") {
            return;
        }
        let topology = Topology::new("scaled");
        // RUST_LOG set: the local workers log every message even under --repeat, so the app's
        // stderr says which worker answered which request.
        let (status, stdout, stderr) = run_app(
            &topology,
            &[
                "--repeat",
                "30",
                "--concurrency",
                "6",
                "--service1-workers",
                "3",
            ],
            &[("WORK_MS", "5"), ("RUST_LOG", "info")],
        );

        assert!(status.success(), "stderr:\n{stderr}");
        assert!(
            stdout.contains("summary: requests=30 ok=30 failed=0 "),
            "{stdout}"
        );
        // Each answer is one line `INFO worker{id=service1-<pid>}:message{...}: ... -> ...`.
        let answered_by = |kind: &str| -> HashSet<String> {
            stderr
                .lines()
                .filter(|line| line.contains(" -> "))
                .filter_map(|line| line.split_once("worker{id=")?.1.split_once('}'))
                .map(|(id, _)| id.to_string())
                .filter(|id| id.starts_with(kind))
                .collect()
        };
        assert_eq!(answered_by("service1").len(), 3, "{stderr}");
        assert_eq!(answered_by("service2").len(), 1, "{stderr}");
    }

    #[test]
    fn work_ms_does_not_slow_service2() {
        if skip_without_broker("work_ms_does_not_slow_service2") {
            return;
        }
        let topology = Topology::new("work_ms");
        let _service1 = Worker::start("service1", &topology, &[]);
        // Ten minutes per message, if service2 read it: the 20 s timeout below would fire.
        let _service2 = Worker::start("service2", &topology, &[("WORK_MS", "600000")]);

        let (status, stdout, stderr) = run_app(
            &topology,
            &["--workers", "external", "--timeout-ms", "20000"],
            &[],
        );

        assert!(status.success(), "stderr:\n{stderr}");
        assert!(
            stdout.contains("Analysis: 84 maps to Value-0084"),
            "{stdout}"
        );
    }
}

/// What the broker guarantees, and what the workers do about bad messages and lost connections.
mod delivery {
    use super::*;

    /// Publishes a raw request with `reply_to`, as the app would, and returns the reply body
    /// if one comes within `wait`.
    fn raw_request(
        topology: &Topology,
        queue: &str,
        body: &[u8],
        wait: Duration,
    ) -> Option<Vec<u8>> {
        runtime().block_on(async {
            let (connection, channel) = topology.open().await;
            let reply_queue = channel
                .queue_declare(
                    "".into(),
                    QueueDeclareOptions::exclusive(),
                    FieldTable::default(),
                )
                .await
                .unwrap()
                .name()
                .clone();
            channel
                .basic_publish(
                    "".into(),
                    queue.into(),
                    BasicPublishOptions::default(),
                    body,
                    BasicProperties::default()
                        .with_reply_to(reply_queue.clone())
                        .with_correlation_id("raw-1".into()),
                )
                .await
                .unwrap()
                .await
                .unwrap();
            let reply = poll_get(&channel, reply_queue.as_str(), wait).await;
            let _ = connection.close(200, "done".into()).await;
            reply
        })
    }

    /// `basic_get` until a message is there or `limit` has passed.
    async fn poll_get(channel: &lapin::Channel, queue: &str, limit: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let message = channel
                .basic_get(queue.into(), BasicGetOptions { no_ack: true })
                .await
                .unwrap();
            if let Some(message) = message {
                return Some(message.delivery.data);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    #[test]
    fn a_malformed_message_ends_in_dead_letters_and_the_worker_goes_on() {
        if skip_without_broker("a_malformed_message_ends_in_dead_letters_and_the_worker_goes_on") {
            return;
        }
        let topology = Topology::new("malformed");
        let service1 = Worker::start("service1", &topology, &[]);

        // Published and confirmed; the worker will not reply to it, since it is not a request.
        raw_request(
            &topology,
            &topology.names.work_queue(WorkQueue::Process),
            b"not json",
            Duration::ZERO,
        );
        let dead = runtime().block_on(async {
            let (connection, channel) = topology.open().await;
            let dead = poll_get(&channel, &topology.names.dead_letters(), WAIT).await;
            let _ = connection.close(200, "done".into()).await;
            dead
        });
        assert_eq!(dead.as_deref(), Some(&b"not json"[..]));
        service1.log.wait_for("the dead-letter log line", |log| {
            log.lines().any(|line| {
                line.contains("correlation_id=raw-1") && line.contains("dead-lettering")
            })
        });

        // The same worker still answers a good request.
        let reply = raw_request(
            &topology,
            &topology.names.work_queue(WorkQueue::Process),
            br#"{"value": 21}"#,
            WAIT,
        );
        assert_eq!(
            reply.as_deref(),
            Some(&br#"{"value":42,"processed":true}"#[..])
        );
    }

    #[test]
    fn an_overflowing_value_gets_an_error_reply() {
        if skip_without_broker("an_overflowing_value_gets_an_error_reply") {
            return;
        }
        let topology = Topology::new("overflow_reply");
        let _service1 = Worker::start("service1", &topology, &[]);

        let reply = raw_request(
            &topology,
            &topology.names.work_queue(WorkQueue::Process),
            br#"{"value": 2147483647}"#,
            WAIT,
        )
        .expect("an overflow is answered, not dropped");
        let reply: serde_json::Value = serde_json::from_slice(&reply).unwrap();
        assert!(
            reply["error"].as_str().unwrap().starts_with("overflow"),
            "{reply}"
        );
    }

    #[test]
    fn a_worker_killed_mid_run_loses_nothing() {
        if skip_without_broker("a_worker_killed_mid_run_loses_nothing") {
            return;
        }
        let topology = Topology::new("killed");
        // A little work per message keeps the run going long enough to kill a worker inside it.
        let slow = [("WORK_MS", "3")];
        let mut doomed = Worker::start("service1", &topology, &slow);
        let survivor = Worker::start("service1", &topology, &slow);
        let _service2 = Worker::start("service2", &topology, &[]);

        let mut app = App::start(
            &topology,
            &[
                "--workers",
                "external",
                "--repeat",
                "500",
                "--concurrency",
                "20",
            ],
            &[],
        );
        doomed
            .log
            .wait_for("the doomed worker to answer 20 requests", |log| {
                log.matches(" -> ").count() >= 20
            });
        assert!(
            app.is_running(),
            "the run must still be going when the worker dies"
        );
        doomed.kill();
        let (status, stdout, stderr) = app.finish();

        assert!(status.success(), "stderr:\n{stderr}");
        let summary = stdout.lines().last().unwrap_or_default();
        assert!(
            summary.starts_with("summary: requests=500 ok=500 failed=0 "),
            "{summary}"
        );
        assert!(survivor.answered() > 0);
    }

    #[test]
    fn two_workers_share_one_queue() {
        if skip_without_broker("two_workers_share_one_queue") {
            return;
        }
        let topology = Topology::new("shared");
        let slow = [("WORK_MS", "2")];
        let first = Worker::start("service1", &topology, &slow);
        let second = Worker::start("service1", &topology, &slow);
        let _service2 = Worker::start("service2", &topology, &[]);

        let (status, stdout, stderr) = run_app(
            &topology,
            &[
                "--workers",
                "external",
                "--repeat",
                "40",
                "--concurrency",
                "8",
            ],
            &[],
        );

        assert!(status.success(), "stderr:\n{stderr}");
        assert!(
            stdout.contains("summary: requests=40 ok=40 failed=0 "),
            "{stdout}"
        );
        let (a, b) = (first.answered(), second.answered());
        assert_eq!(a + b, 40, "each request answered exactly once here");
        assert!(a > 0 && b > 0, "both workers took a share: {a} and {b}");
    }

    #[test]
    fn a_worker_reconnects_after_the_broker_drops_its_connection() {
        if skip_without_broker("a_worker_reconnects_after_the_broker_drops_its_connection") {
            return;
        }
        let topology = Topology::new("reconnect");
        let service1 = Worker::start("service1", &topology, &[]);
        let _service2 = Worker::start("service2", &topology, &[]);

        // What a broker restart looks like to a client, without restarting the shared broker:
        // the broker closes this worker's connection, found by the name the worker gave it.
        // The API lists a connection once its statistics are in (every 5 s by default).
        let needle = format!("service1-{}", service1.pid());
        let deadline = Instant::now() + WAIT;
        let connection = loop {
            let Some(list) = management_or_skip("GET", "/api/connections") else {
                return;
            };
            let list: serde_json::Value = serde_json::from_str(&list).unwrap();
            let named = |c: &&serde_json::Value| {
                c["client_properties"]["connection_name"].as_str() == Some(needle.as_str())
            };
            let found = list.as_array().into_iter().flatten().find(named);
            if let Some(name) = found.and_then(|c| c["name"].as_str()) {
                break name.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no connection named {needle} in {list}"
            );
            std::thread::sleep(Duration::from_millis(500));
        };
        let path = format!(
            "/api/connections/{}",
            crate::support::url_encode(&connection)
        );
        crate::support::management("DELETE", &path).unwrap();

        service1.log.wait_for("the worker to reconnect", |log| {
            log.contains("reconnecting") && log.matches(" consuming ").count() >= 2
        });
        let (status, stdout, stderr) = run_app(&topology, &["--workers", "external"], &[]);
        assert!(status.success(), "stderr:\n{stderr}");
        assert!(stdout.contains("Analysis: 84 maps to Value-0084"));
    }

    /// The management API's answer, or `None` (with the reason) where it is not reachable:
    /// `rabbitmq-plugins enable rabbitmq_management` turns it on. Under `CI=true` it must be.
    fn management_or_skip(method: &str, path: &str) -> Option<String> {
        match crate::support::management(method, path) {
            Ok(body) => Some(body),
            Err(error) if crate::support::in_ci() => panic!("{error}, and CI=true needs it"),
            Err(error) => {
                eprintln!(
                    "SKIPPED reconnect test: {error} (enable it with \
                     `rabbitmq-plugins enable rabbitmq_management`)"
                );
                None
            }
        }
    }
}

/// Starting and stopping: an unreachable broker, and a clean stop on request.
mod lifecycle {
    use super::*;

    #[test]
    fn an_unreachable_broker_gives_the_clear_error_and_exit_1() {
        // Needs no broker: port 1 on loopback refuses every connection.
        let topology = crate::support::Topology {
            prefix: "unused.".into(),
            names: common::queues::QueueNames::with_prefix("unused.").unwrap(),
        };
        let envs = [
            ("AMQP_ADDR", "amqp://127.0.0.1:1/%2f"),
            ("AMQP_CONNECT_TIMEOUT_SECS", "1"),
        ];
        let started = Instant::now();
        let (status, stdout, stderr) = run_app(&topology, &[], &envs);

        assert_eq!(status.code(), Some(1), "stdout:\n{stdout}");
        assert!(started.elapsed() < Duration::from_secs(20));
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("error: cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f: "),
            "{stderr}"
        );
        // The Drop of this fake topology would try to clean a broker that is not there: skip it.
        std::mem::forget(topology);
    }

    #[test]
    fn a_worker_with_no_broker_exits_1_with_the_clear_error() {
        let output = std::process::Command::new(crate::support::worker_binary("service2"))
            .env("AMQP_ADDR", "amqp://127.0.0.1:1/%2f")
            .env("AMQP_CONNECT_TIMEOUT_SECS", "1")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(": cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f: "),
            "{stderr}"
        );
    }

    #[test]
    fn a_worker_stops_cleanly_when_its_parent_closes_stdin() {
        if skip_without_broker("a_worker_stops_cleanly_when_its_parent_closes_stdin") {
            return;
        }
        let topology = Topology::new("stdin_stop");
        let mut worker = Worker::start("service2", &topology, &[]);
        worker.close_stdin();
        let status = worker.wait_exit();
        assert!(status.success(), "{}", worker.log.text());
        assert!(worker.log.text().contains("closed"));
    }

    #[cfg(unix)]
    #[test]
    fn sigterm_stops_a_worker_cleanly() {
        if skip_without_broker("sigterm_stops_a_worker_cleanly") {
            return;
        }
        let topology = Topology::new("sigterm");
        let mut worker = Worker::start("service1", &topology, &[]);
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &worker.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = worker.wait_exit();
        assert!(status.success(), "{}", worker.log.text());
        assert!(
            worker
                .log
                .text()
                .contains("SIGTERM: finished the current message")
        );
    }
}
