//! What the broker guarantees with hardened workers, and what they do about bad messages and
//! lost connections.

use crate::hardened;
use crate::support::{Program, Topology, WAIT, Worker, poll_get, require_broker, run, runtime};
use lapin::BasicProperties;
use lapin::options::BasicPublishOptions;
use std::time::{Duration, Instant};

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_message_that_is_not_a_request_ends_in_dead_letters_and_the_worker_goes_on() {
    require_broker();
    let topology = Topology::new("dead_letters");
    let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    let dead = runtime().block_on(async {
        let (connection, channel) = topology.open().await;
        let properties = BasicProperties::default().with_correlation_id("raw-1".into());
        let queue = topology.queue("process");
        let options = BasicPublishOptions::default();
        let publish = channel.basic_publish(
            "".into(),
            queue.as_str().into(),
            options,
            b"not json",
            properties,
        );
        publish.await.unwrap().await.unwrap();
        let dead = poll_get(&channel, &topology.queue("dead_letters"), WAIT).await;
        let _ = connection.close(200, "done".into()).await;
        dead
    });
    assert_eq!(dead.as_deref(), Some(&b"not json"[..]));
    service1.log.wait_for("the dead-letter line", |log| {
        log.contains("dead-lettering a message that is not a request (correlation_id=raw-1)")
    });
    // The same worker still answers the pipeline.
    let _service2 = Worker::start("hardened-service2", &topology, &[], &[]);
    let (status, _, stderr) = run(&hardened(), &topology, &["--workers", "external"], &[]);
    assert!(status.success(), "{stderr}");
    assert_eq!(service1.answered(), 1);
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_worker_killed_mid_run_loses_nothing() {
    require_broker();
    let topology = Topology::new("killed");
    // A little work per message keeps the run going long enough to kill a worker inside it.
    let slow = [("WORK_MS", "3")];
    let mut doomed = Worker::start("hardened-service1", &topology, &[], &slow);
    let survivor = Worker::start("service1", &topology, &[], &[]);
    let _service2 = Worker::start("service2", &topology, &[], &[]);

    let args = [
        "--workers",
        "external",
        "--repeat",
        "500",
        "--concurrency",
        "20",
    ];
    let mut app = Program::start(&hardened(), &topology, &args, &[]);
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
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn two_workers_share_one_queue() {
    require_broker();
    let topology = Topology::new("shared");
    let slow = [("WORK_MS", "2")];
    let first = Worker::start("hardened-service1", &topology, &[], &slow);
    let second = Worker::start("hardened-service1", &topology, &[], &slow);
    let _service2 = Worker::start("hardened-service2", &topology, &[], &[]);

    let args = [
        "--workers",
        "external",
        "--repeat",
        "40",
        "--concurrency",
        "8",
    ];
    let (status, stdout, stderr) = run(&hardened(), &topology, &args, &[]);

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
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_worker_reconnects_after_the_broker_drops_its_connection() {
    require_broker();
    let topology = Topology::new("reconnect");
    let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    let _service2 = Worker::start("hardened-service2", &topology, &[], &[]);

    // What a broker restart looks like to a client, without restarting the shared broker: the
    // broker closes this worker's connection, found by the name the worker gave it. The API
    // lists a connection once its statistics are in (every 5 s by default).
    let needle = format!("service1-{}", service1.pid());
    let deadline = Instant::now() + WAIT;
    let connection = loop {
        let list = management("GET", "/api/connections");
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
    management(
        "DELETE",
        &format!("/api/connections/{}", url_encode(&connection)),
    );

    service1.log.wait_for("the worker to reconnect", |log| {
        log.contains("reconnecting") && log.matches(": waiting for requests").count() >= 2
    });
    let (status, stdout, stderr) = run(&hardened(), &topology, &["--workers", "external"], &[]);
    assert!(status.success(), "stderr:\n{stderr}");
    assert!(stdout.contains("Analysis: 84 maps to Value-0084"));
}

/// One request to RabbitMQ's management HTTP API (plugin `rabbitmq_management`, on
/// `127.0.0.1:15672` or `RABBITMQ_MANAGEMENT_ADDR`, as `guest`, which it lets in from loopback).
/// Plain HTTP/1.0 over a socket: one list and one delete are not worth an HTTP client. Returns
/// the body of a 2xx answer; anything else fails the test with what to do.
fn management(method: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr =
        std::env::var("RABBITMQ_MANAGEMENT_ADDR").unwrap_or_else(|_| "127.0.0.1:15672".into());
    let enable =
        "this test needs the management API: `rabbitmq-plugins enable rabbitmq_management`";
    let mut stream =
        std::net::TcpStream::connect(&addr).unwrap_or_else(|e| panic!("{enable} (at {addr}: {e})"));
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // `guest:guest` in base64.
    let auth = "Authorization: Basic Z3Vlc3Q6Z3Vlc3Q=";
    let request = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n{auth}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    assert!(status.starts_with('2'), "{method} {path} answered {head}");
    body.to_string()
}

/// `%`-encodes everything but letters and digits, for a name inside a URL path.
fn url_encode(text: &str) -> String {
    let encode = |b: u8| match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
        _ => format!("%{b:02X}"),
    };
    text.bytes().map(encode).collect()
}
