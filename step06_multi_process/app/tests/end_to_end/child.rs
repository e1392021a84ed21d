//! `ServiceProcess` on its own, against the real binaries: one exchange, a read that times out,
//! and a clean stop.

use std::env::consts::EXE_SUFFIX;
use std::fs;
use std::time::Duration;

use app::child::{ServiceProcess, Stopped};
use app::supervisor::Failure;
use common::{ProcessResult, ReplyBody, RequestBody};

use crate::support::{scratch_dir, service_dir};

const PATIENCE: Duration = Duration::from_secs(20);

fn service1() -> ServiceProcess {
    let program = service_dir().join(format!("service1{EXE_SUFFIX}"));
    ServiceProcess::spawn(&program, &["--quiet"]).expect("service1 starts")
}

#[test]
fn a_call_after_the_hello_gets_the_reply_to_its_request() {
    let mut service = service1();
    assert_eq!(service.hello("service1", PATIENCE).unwrap(), "0.1.0");
    let reply = service.call(RequestBody::Process { value: 42 }, PATIENCE);
    assert_eq!(
        reply.unwrap(),
        ReplyBody::Processed(ProcessResult {
            value: 84,
            processed: true
        })
    );
}

#[test]
fn the_hello_refuses_a_binary_that_is_another_service() {
    let mut service = service1();
    let refused = service.hello("service2", PATIENCE).unwrap_err();
    assert!(
        matches!(&refused, Failure::WrongService { found, .. } if found == "service1"),
        "{refused:?}"
    );
}

#[test]
fn a_read_that_waits_past_the_timeout_ends_as_timed_out_with_the_service_killed() {
    let dir = scratch_dir("child-timeout");
    let faulty = dir.join(format!("service1{EXE_SUFFIX}"));
    fs::copy(
        service_dir().join(format!("faulty_service{EXE_SUFFIX}")),
        &faulty,
    )
    .expect("the fixture copies");
    fs::write(dir.join("fault"), "hang").expect("the fault file can be written");
    let mut service = spawn_fresh_copy(&faulty);
    service.hello("service1", PATIENCE).unwrap();

    let timeout = Duration::from_millis(200);
    let outcome = service.call(RequestBody::Process { value: 42 }, timeout);
    assert!(
        matches!(outcome, Err(Failure::TimedOut(t)) if t == timeout),
        "{outcome:?}"
    );
    // The watchdog ended the read by killing the process: it did not exit by itself.
    let status = service.kill().expect("the killed service is reaped");
    assert!(!status.success(), "the service ended with {status}");
}

#[test]
fn stop_closes_stdin_and_the_service_exits_by_itself_with_status_0() {
    let mut service = service1();
    match service.stop().expect("service1 is reaped") {
        Stopped::Exited(status) => assert!(status.success(), "{status}"),
        killed => panic!("service1 had to be killed: {killed:?}"),
    }
}

/// Starts a binary just copied. On Linux, a process another test thread forks while the copy's
/// file is still open for writing holds it open too, until it runs its own program: starting the
/// copy then fails with "text file busy" for a moment.
fn spawn_fresh_copy(program: &std::path::Path) -> ServiceProcess {
    let mut tries = 0;
    loop {
        match ServiceProcess::spawn(program, &[]) {
            Err(error) if error.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            started => return started.expect("the fixture starts"),
        }
    }
}
