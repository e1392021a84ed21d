//! service1 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. Each test checks one promise of the protocol, and that the service is still
//! serving afterwards: nothing the app sends can make it panic or stop, except closing its stdin.

#[path = "../../common/tests/support/session.rs"]
mod session;

use session::Session;

use common::{ErrorCode, PROTOCOL_VERSION, ProcessResult, Reply, ReplyBody, RequestBody};

const SERVICE: &str = env!("CARGO_BIN_EXE_service1");

/// A service1 process, already past the hello exchange.
fn greeted_service1() -> Session {
    let mut service = Session::start(SERVICE);
    let hello = service.ask(0, hello());
    assert!(matches!(hello.body, ReplyBody::Hello { .. }), "{hello:?}");
    service
}

fn hello() -> RequestBody {
    RequestBody::Hello {
        protocol: PROTOCOL_VERSION,
    }
}

fn error_code(reply: &Reply) -> ErrorCode {
    match reply.body {
        ReplyBody::Error { code, .. } => code,
        ref other => panic!("expected an error reply, got {other:?}"),
    }
}

/// The service still answers a normal request: the previous bad one did not stop it.
fn assert_still_serving(service: &mut Session) {
    let reply = service.ask(1, RequestBody::Process { value: 1 });
    assert_eq!(
        reply.body,
        ReplyBody::Processed(ProcessResult {
            value: 2,
            processed: true
        })
    );
}

#[test]
fn hello_names_the_service_its_component_and_version() {
    let reply = Session::start(SERVICE).ask(41, hello());
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
fn process_doubles_the_value() {
    let reply = greeted_service1().ask(41, RequestBody::Process { value: 42 });
    assert_eq!(reply.id, Some(41));
    assert_eq!(
        reply.body,
        ReplyBody::Processed(ProcessResult {
            value: 84,
            processed: true
        })
    );
}

#[test]
fn every_reply_echoes_the_id_of_its_request() {
    let mut service = greeted_service1();
    for id in [0, 7, u64::MAX] {
        assert_eq!(
            service.ask(id, RequestBody::Process { value: 3 }).id,
            Some(id)
        );
    }
}

#[test]
fn a_line_that_is_not_json_gets_a_bad_request_reply_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = service.ask_raw(b"this is not JSON");
    assert_eq!(reply.id, None);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    let reply = service.ask_raw(&[0xff, 0xfe, b'{']);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    assert_still_serving(&mut service);
}

#[test]
fn an_unknown_message_gets_an_error_reply_with_its_id_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = service.ask_raw(br#"{"id":9,"type":"explode"}"#);
    assert_eq!(reply.id, Some(9));
    assert_eq!(error_code(&reply), ErrorCode::UnknownMessage);
    assert_still_serving(&mut service);
}

#[test]
fn a_message_for_service2_is_an_unknown_message_here() {
    let mut service = greeted_service1();
    let reply = service.ask(5, RequestBody::Transform { value: 84 });
    assert_eq!(error_code(&reply), ErrorCode::UnknownMessage);
    assert_still_serving(&mut service);
}

#[test]
fn an_overflowing_value_gets_an_overflow_error_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = service.ask(41, RequestBody::Process { value: i32::MAX });
    assert_eq!(reply.id, Some(41));
    let ReplyBody::Error { code, error } = reply.body else {
        panic!("expected an error reply, got {reply:?}");
    };
    assert_eq!(code, ErrorCode::Overflow);
    assert!(error.starts_with("overflow"), "{error}");
    assert_still_serving(&mut service);
}

#[test]
fn work_before_hello_is_refused() {
    let reply = Session::start(SERVICE).ask(1, RequestBody::Process { value: 42 });
    assert_eq!(error_code(&reply), ErrorCode::HelloFirst);
}

#[test]
fn a_line_longer_than_64_kib_gets_an_error_and_serving_goes_on() {
    let mut service = greeted_service1();
    let reply = service.ask_raw(&vec![b'x'; 100 * 1024]);
    assert_eq!(error_code(&reply), ErrorCode::BadRequest);
    assert_still_serving(&mut service);
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let status = greeted_service1().close_stdin_and_wait();
    assert!(status.success(), "service1 ended with {status}");
}
