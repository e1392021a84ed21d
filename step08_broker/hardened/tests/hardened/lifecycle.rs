//! Stopping a hardened worker: it finishes the message in hand, closes, and exits 0.

use crate::support::{Topology, Worker, require_broker};

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn a_worker_stops_cleanly_when_its_parent_closes_stdin() {
    require_broker();
    let topology = Topology::new("stdin_stop");
    let args = ["--stop-when-stdin-closes"];
    let mut worker = Worker::start("hardened-service2", &topology, &args, &[]);
    worker.close_stdin();
    let status = worker.wait_exit();
    assert!(status.success(), "{}", worker.log.text());
    assert!(
        worker
            .log
            .text()
            .contains("stdin closed by the parent process: finished the current message, closed")
    );
}

#[cfg(unix)]
#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn sigterm_stops_a_worker_cleanly() {
    require_broker();
    let topology = Topology::new("sigterm");
    let mut worker = Worker::start("hardened-service1", &topology, &[], &[]);
    let pid = worker.pid().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = worker.wait_exit();
    assert!(status.success(), "{}", worker.log.text());
    assert!(
        worker
            .log
            .text()
            .contains("SIGTERM: finished the current message, closed")
    );
}
