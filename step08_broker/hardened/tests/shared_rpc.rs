//! `SharedRpcClient` against the real RabbitMQ: many calls share its one channel and its one reply
//! consumer, so each reply must reach the call it answers (by its `correlation_id`), and a call
//! that times out must leave nothing behind. Its errors are the lesson's `RpcClient`'s, word
//! for word.
//!
//! The client reads `QUEUE_PREFIX` from this process's environment, so these tests take turns
//! (`take_turn`), each with its own prefix.

#[path = "../../app/tests/end_to_end/support.rs"]
mod support;

use app::pipeline::{CallError, Processor};
use app::rpc::RpcClient;
use hardened::fast_rpc::SharedRpcClient;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use support::{Topology, Worker, require_broker, runtime};

/// Holds the lock while a test uses `QUEUE_PREFIX`, which this sets to the test's own prefix.
fn take_turn(topology: &Topology) -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: the other tests of this binary wait for the lock, and nothing outside Rust's std
    // (which locks its own reads) reads the environment in this test process.
    unsafe { std::env::set_var("QUEUE_PREFIX", &topology.prefix) };
    turn
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn fifty_concurrent_calls_on_one_client_each_get_their_own_reply() {
    require_broker();
    let topology = Topology::new("shared_rpc_concurrent");
    let _turn = take_turn(&topology);
    let _service1 = Worker::start("hardened-service1", &topology, &[], &[]);
    let (results, waiting) = runtime().block_on(async {
        let client = SharedRpcClient::connect(Duration::from_secs(30))
            .await
            .unwrap();
        let client = Arc::new(client);
        let mut calls = tokio::task::JoinSet::new();
        for value in 1..=50 {
            let client = Arc::clone(&client);
            calls.spawn(async move {
                let id = format!("concurrent-{value}");
                (value, client.process(value, &id).await)
            });
        }
        let mut results = Vec::new();
        while let Some(joined) = calls.join_next().await {
            results.push(joined.unwrap());
        }
        let waiting = client.waiting_calls();
        if let Ok(client) = Arc::try_unwrap(client) {
            client.close().await;
        }
        (results, waiting)
    });
    assert_eq!(results.len(), 50);
    for (value, result) in results {
        let result = result.unwrap_or_else(|e| panic!("call with {value}: {e}"));
        assert_eq!(
            result.value,
            value * 2,
            "the reply to the call with {value}"
        );
    }
    assert_eq!(waiting, 0, "every call removed its entry");
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_call_nobody_answers_times_out_naming_its_queue_and_leaves_no_entry() {
    require_broker();
    let topology = Topology::new("shared_rpc_timeout");
    let _turn = take_turn(&topology);
    let timeout = Duration::from_millis(1500);
    let (first, waiting, second) = runtime().block_on(async {
        let client = SharedRpcClient::connect(timeout).await.unwrap();
        let first = client.process(21, "nobody").await;
        let waiting = client.waiting_calls();
        // A worker now: the first request has expired in its queue, so the reply the second call
        // gets is its own (42 doubled), not one to the call that gave up.
        let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
        let second = client.process(42, "somebody").await;
        drop(service1);
        client.close().await;
        (first, waiting, second)
    });
    match first {
        Err(CallError::TimedOut { component, waited }) => {
            assert_eq!(component, "the worker on queue \"process\"");
            assert_eq!(waited, timeout);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(waiting, 0, "the timed-out call removed its entry");
    assert_eq!(second.map(|result| result.value).ok(), Some(84));
}

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn both_clients_give_the_same_errors_for_an_overflow_and_for_no_worker() {
    require_broker();
    let topology = Topology::new("shared_rpc_same_errors");
    let _turn = take_turn(&topology);
    let timeout = Duration::from_millis(800);
    let (lesson_timeout, shared_timeout, lesson_overflow, shared_overflow) =
        runtime().block_on(async {
            let broker = common::broker::connect("lesson").await.unwrap();
            let lesson = RpcClient { broker, timeout };
            let shared = SharedRpcClient::connect(timeout).await.unwrap();
            let lesson_timeout = lesson.process(1, "lesson").await.unwrap_err();
            let shared_timeout = shared.process(1, "shared").await.unwrap_err();
            let service1 = Worker::start("hardened-service1", &topology, &[], &[]);
            let lesson_overflow = lesson.process(i32::MAX, "lesson").await.unwrap_err();
            let shared_overflow = shared.process(i32::MAX, "shared").await.unwrap_err();
            drop(service1);
            drop(lesson);
            shared.close().await;
            (
                lesson_timeout,
                shared_timeout,
                lesson_overflow,
                shared_overflow,
            )
        });
    assert!(
        matches!(lesson_timeout, CallError::TimedOut { .. }),
        "{lesson_timeout:?}"
    );
    assert_eq!(shared_timeout.to_string(), lesson_timeout.to_string());
    assert!(
        matches!(lesson_overflow, CallError::Rejected { .. }),
        "{lesson_overflow:?}"
    );
    assert_eq!(shared_overflow.to_string(), lesson_overflow.to_string());
}
