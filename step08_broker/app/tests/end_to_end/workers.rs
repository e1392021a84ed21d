//! The lesson's workers, sent requests the way the app sends them (`reply_to`, `correlation_id`),
//! by the test itself, through the real broker.

use crate::support::{Topology, WAIT, Worker, poll_get, require_broker, runtime};
use lapin::BasicProperties;
use lapin::options::{BasicPublishOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use std::time::Duration;

/// Publishes `body` to `queue` with a `reply_to` of the test's own, and returns the reply's body
/// and correlation id if one comes within `wait`.
pub fn raw_request(
    topology: &Topology,
    queue: &str,
    body: &[u8],
    wait: Duration,
) -> Option<(Vec<u8>, String)> {
    runtime().block_on(async {
        let (connection, channel) = topology.open().await;
        // A queue named by the broker (`amq.gen-...`), deleted with this connection.
        let exclusive = QueueDeclareOptions::exclusive();
        let declared = channel.queue_declare("".into(), exclusive, FieldTable::default());
        let reply_queue = declared.await.unwrap().name().clone();
        let properties = BasicProperties::default()
            .with_reply_to(reply_queue.clone())
            .with_correlation_id("raw-1".into());
        let options = BasicPublishOptions::default();
        let publish = channel.basic_publish("".into(), queue.into(), options, body, properties);
        publish.await.unwrap().await.unwrap(); // sent, and confirmed by the broker
        let reply = poll_get(&channel, reply_queue.as_str(), wait).await;
        let _ = connection.close(200, "done".into()).await;
        reply.map(|body| (body, "raw-1".to_string()))
    })
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_worker_replies_to_reply_to_and_logs_the_request_with_its_correlation_id() {
    require_broker();
    let topology = Topology::new("reply");
    let service2 = Worker::start("service2", &topology, &[], &[]);
    let queue = topology.queue("transform");
    let (reply, _) = raw_request(&topology, &queue, br#"{"value": 84}"#, WAIT).expect("a reply");
    assert_eq!(reply, br#"{"original":84,"transformed":"Value-0084"}"#);
    service2.log.wait_for("the log line", |log| {
        log.contains(r#": raw-1: {"value": 84} -> {"original":84"#)
    });
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn an_overflowing_value_gets_an_error_reply() {
    require_broker();
    let topology = Topology::new("overflow_reply");
    let _service1 = Worker::start("service1", &topology, &[], &[]);
    let queue = topology.queue("process");
    let (reply, _) = raw_request(&topology, &queue, br#"{"value": 2147483647}"#, WAIT)
        .expect("an overflow is answered, not dropped");
    let reply: serde_json::Value = serde_json::from_slice(&reply).unwrap();
    let error = reply["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with("overflow: doubling 2147483647"),
        "{reply}"
    );
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_message_that_is_not_a_request_is_dropped_and_the_worker_goes_on() {
    require_broker();
    let topology = Topology::new("malformed");
    let service1 = Worker::start("service1", &topology, &[], &[]);
    let queue = topology.queue("process");

    let reply = raw_request(&topology, &queue, b"not json", Duration::from_millis(500));
    assert_eq!(reply, None);
    service1.log.wait_for("the drop line", |log| {
        log.contains("dropped a message that is not a request: not json")
    });
    // The same worker still answers a good request.
    let (reply, _) = raw_request(&topology, &queue, br#"{"value": 21}"#, WAIT).expect("a reply");
    assert_eq!(reply, br#"{"value":42,"processed":true}"#);
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_worker_takes_one_unacked_request_at_a_time() {
    require_broker();
    let topology = Topology::new("prefetch");
    let queue = topology.queue("process");
    runtime().block_on(async {
        let (connection, channel) = topology.open().await;
        for value in 1..=3 {
            let body = format!(r#"{{"value": {value}}}"#);
            let (options, properties) =
                (BasicPublishOptions::default(), BasicProperties::default());
            let publish = channel.basic_publish(
                "".into(),
                queue.as_str().into(),
                options,
                body.as_bytes(),
                properties,
            );
            publish.await.unwrap().await.unwrap();
        }
        // A worker's consume, as `run_worker` makes it; its first request is never acked here.
        let worker = connection.create_channel().await.unwrap();
        let mut requests = common::broker::consume_with_acks(&worker, &queue)
            .await
            .unwrap();
        let _first = common::broker::next_message(&mut requests).await.unwrap();
        // Without a prefetch limit RabbitMQ would hand this consumer the other two as well; give
        // it the time to, then count what is still waiting in the queue.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let passive = QueueDeclareOptions {
            passive: true,
            ..Default::default()
        };
        let declare = channel.queue_declare(queue.as_str().into(), passive, FieldTable::default());
        let waiting = declare.await.unwrap().message_count();
        assert_eq!(
            waiting, 2,
            "a worker holding one unacked request must leave the rest queued"
        );
        let _ = connection.close(200, "done".into()).await;
    });
}
