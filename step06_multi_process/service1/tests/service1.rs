//! service1 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. Each test checks one promise of the protocol, and that the service is still
//! serving afterwards: nothing the app sends can make it panic or stop, except closing its stdin.

use std::path::Path;
use std::time::Duration;

use common::{
    ChildConnection, ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, Request, RequestBody,
};

/// Generous: a reply takes well under a millisecond, but CI machines can be slow and busy.
const PATIENCE: Duration = Duration::from_secs(20);

/// A service1 process, already past the hello exchange. Dropping it stops and reaps the process,
/// even when the test fails halfway.
fn greeted_service1() -> ChildConnection {
    let mut service =
        ChildConnection::spawn(Path::new(env!("CARGO_BIN_EXE_service1")), &["--quiet"])
            .expect("service1 starts");
    let hello = ask(
        &mut service,
        RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        },
    );
    assert!(matches!(hello.body, ReplyBody::Hello { .. }), "{hello:?}");
    service
}

fn ask(service: &mut ChildConnection, body: RequestBody) -> Reply {
    send_and_receive(service, Request { id: 41, body })
}

fn send_and_receive(service: &mut ChildConnection, request: Request) -> Reply {
    service.send(&request).expect("service1 reads its stdin");
    service
        .recv_reply(PATIENCE)
        .expect("service1 answers one JSON reply")
}

fn ask_raw(service: &mut ChildConnection, line: &[u8]) -> Reply {
    let mut line = line.to_vec();
    line.push(b'\n');
    service.send_raw(&line).expect("service1 reads its stdin");
    service
        .recv_reply(PATIENCE)
        .expect("service1 answers one JSON reply")
}

fn error_code(reply: &Reply) -> ErrorCode {
    match reply.body {
        ReplyBody::Error { code, .. } => code,
        ref other => panic!("expected an error reply, got {other:?}"),
    }
}

/// The service still answers a normal request: the previous bad one did not stop it.
fn assert_still_serving(service: &mut ChildConnection) {
    let reply = ask(service, RequestBody::Process { value: 1 });
    assert_eq!(
        reply.body,
        ReplyBody::Processed {
            value: 2,
            processed: true
        }
    );
}

#[test]
fn hello_names_the_service_its_component_and_version() {
    let mut service =
        ChildConnection::spawn(Path::new(env!("CARGO_BIN_EXE_service1")), &["--quiet"]).unwrap();
    let reply = ask(
        &mut service,
        RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        },
    );
    assert_eq!(
        reply,
        Reply {
            id: Some(41),
            body: ReplyBody::Hello {
                protocol: PROTOCOL_VERSION,
                service: "service1".into(),
                component: "component1".into(),
                version: "0.1.0".into(),
            }
        }
    );
}

#[test]
fn process_doubles_the_value_and_validate_checks_it() {
    let mut service = greeted_service1();
    let reply = ask(&mut service, RequestBody::Process { value: 42 });
    assert_eq!(reply.id, Some(41));
    assert_eq!(
        reply.body,
        ReplyBody::Processed {
            value: 84,
            processed: true
        }
    );

    let valid = ask(
        &mut service,
        RequestBody::Validate {
            value: 84,
            processed: true,
        },
    );
    assert_eq!(valid.body, ReplyBody::Validated { valid: true });
    let invalid = ask(
        &mut service,
        RequestBody::Validate {
            value: -84,
            processed: true,
        },
    );
    assert_eq!(invalid.body, ReplyBody::Validated { valid: false });
}

#[test]
fn every_reply_echoes_the_id_of_its_request() {
    let mut service = greeted_service1();
    for id in [0, 7, u64::MAX] {
        let request = Request {
            id,
            body: RequestBody::Process { value: 3 },
        };
        assert_eq!(send_and_receive(&mut service, request).id, Some(id));
    }
}

#[test]
fn a_line_that_is_not_json_gets_a_bad_request_reply_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = ask_raw(&mut service, b"this is not JSON");
    assert_eq!(reply.id, None);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    let reply = ask_raw(&mut service, &[0xff, 0xfe, b'{']);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    assert_still_serving(&mut service);
}

#[test]
fn an_unknown_message_gets_an_error_reply_with_its_id_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = ask_raw(&mut service, br#"{"id":9,"type":"explode"}"#);
    assert_eq!(reply.id, Some(9));
    assert_eq!(error_code(&reply), ErrorCode::UnknownMessage);
    assert_still_serving(&mut service);
}

#[test]
fn a_message_for_service2_is_an_unknown_message_here() {
    let mut service = greeted_service1();
    let reply = ask(&mut service, RequestBody::Transform { value: 84 });
    assert_eq!(error_code(&reply), ErrorCode::UnknownMessage);
    assert_still_serving(&mut service);
}

#[test]
fn an_overflowing_value_gets_an_overflow_error_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = ask(&mut service, RequestBody::Process { value: i32::MAX });
    assert_eq!(reply.id, Some(41));
    let ReplyBody::Error { code, error } = reply.body else {
        panic!("expected an error reply, got {reply:?}");
    };
    assert_eq!(code, ErrorCode::Overflow);
    assert!(error.contains("overflow"), "{error}");
    assert_still_serving(&mut service);
}

#[test]
fn work_before_hello_is_refused() {
    let mut service =
        ChildConnection::spawn(Path::new(env!("CARGO_BIN_EXE_service1")), &["--quiet"]).unwrap();
    let reply = ask(&mut service, RequestBody::Process { value: 42 });
    assert_eq!(error_code(&reply), ErrorCode::HelloFirst);
}

#[test]
fn a_line_longer_than_64_kib_gets_an_error_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = ask_raw(&mut service, &vec![b'x'; 100 * 1024]);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    assert_still_serving(&mut service);
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let mut service = greeted_service1();
    service.close_stdin();
    let status = service
        .wait_timeout(PATIENCE)
        .unwrap()
        .expect("service1 exits once its stdin is closed");
    assert!(status.success(), "service1 ended with {status}");
}

#[test]
fn a_read_that_times_out_returns_timed_out_and_leaves_the_service_killed() {
    // Nothing is sent, so service1 has nothing to answer: the read can only end by its timeout.
    let mut service =
        ChildConnection::spawn(Path::new(env!("CARGO_BIN_EXE_service1")), &["--quiet"]).unwrap();
    let started = std::time::Instant::now();
    let outcome = service.recv_line(Duration::from_millis(200));
    assert!(
        matches!(outcome, Err(common::RecvError::TimedOut)),
        "{outcome:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    // The watchdog ended the read by killing the process: it did not exit by itself.
    let status = service
        .wait_timeout(PATIENCE)
        .unwrap()
        .expect("service1 was killed");
    assert!(!status.success(), "service1 ended with {status}");
}
