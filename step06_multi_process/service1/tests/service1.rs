//! service1 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. Nothing the app sends can make it panic or stop, except closing its stdin.

#[path = "../../common/tests/support/session.rs"]
mod session;

use session::Session;

use common::{ProcessResult, Reply, Request};

const SERVICE: &str = env!("CARGO_BIN_EXE_service1");

fn is_error(reply: &Reply) -> bool {
    matches!(reply, Reply::Error { .. })
}

/// The service still answers a normal request: the previous bad one did not stop it.
fn assert_still_serving(service: &mut Session) {
    let reply = service.ask(Request::Process { value: 1 });
    let two = ProcessResult {
        value: 2,
        processed: true,
    };
    assert_eq!(reply, Reply::Processed(two));
}

#[test]
fn process_doubles_the_value() {
    let reply = Session::start(SERVICE).ask(Request::Process { value: 42 });
    let doubled = ProcessResult {
        value: 84,
        processed: true,
    };
    assert_eq!(reply, Reply::Processed(doubled));
}

#[test]
fn an_overflowing_value_gets_an_error_reply_and_serving_goes_on() {
    let mut service = Session::start(SERVICE);
    let reply = service.ask(Request::Process { value: i32::MAX });
    let Reply::Error { error } = reply else {
        panic!("expected an error reply, got {reply:?}");
    };
    assert!(error.starts_with("overflow"), "{error}");
    assert_still_serving(&mut service);
}

#[test]
fn a_line_that_is_not_a_request_gets_an_error_reply_and_serving_goes_on() {
    let mut service = Session::start(SERVICE);
    assert!(is_error(&service.ask_raw(b"this is not JSON")));
    assert!(is_error(&service.ask_raw(&[0xff, 0xfe, b'{'])));
    assert!(is_error(&service.ask_raw(br#"{"type":"explode"}"#)));
    assert!(is_error(
        &service.ask_raw(br#"{"type":"process","value":3000000000}"#)
    ));
    assert_still_serving(&mut service);
}

#[test]
fn a_request_for_service2_gets_an_error_reply_and_serving_goes_on() {
    let mut service = Session::start(SERVICE);
    assert!(is_error(&service.ask(Request::Transform { value: 84 })));
    assert_still_serving(&mut service);
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let status = Session::start(SERVICE).close_stdin_and_wait();
    assert!(status.success(), "service1 ended with {status}");
}
