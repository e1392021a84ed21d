//! service2 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. The protocol loop is the same as service1's (it lives in `common`, and
//! service1's tests cover its error cases one by one); these tests check service2's own messages
//! and that it, too, survives bad input and stops cleanly on EOF.

#[path = "../../common/tests/support/session.rs"]
mod session;

use session::Session;

use common::{ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, RequestBody, TransformResult};

const SERVICE: &str = env!("CARGO_BIN_EXE_service2");

fn greeted_service2() -> Session {
    let mut service = Session::start(SERVICE);
    let hello = service.ask(
        0,
        RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        },
    );
    let ReplyBody::Hello {
        service: name,
        component,
        version,
        ..
    } = hello.body
    else {
        panic!("expected a hello reply, got {hello:?}");
    };
    assert_eq!(
        (name.as_str(), component.as_str(), version.as_str()),
        ("service2", "component2", "0.2.0")
    );
    service
}

fn is_error(reply: &Reply, expected: ErrorCode) -> bool {
    matches!(reply.body, ReplyBody::Error { code, .. } if code == expected)
}

#[test]
fn transform_formats_the_value() {
    let reply = greeted_service2().ask(5, RequestBody::Transform { value: 84 });
    assert_eq!(
        reply,
        Reply {
            id: Some(5),
            body: ReplyBody::Transformed(TransformResult {
                original: 84,
                transformed: "Value-0084".into()
            })
        }
    );
}

#[test]
fn bad_lines_get_error_replies_and_serving_goes_on() {
    let mut service = greeted_service2();
    let not_json = service.ask_raw(b"{not json");
    assert!(is_error(&not_json, ErrorCode::BadRequest), "{not_json:?}");
    let unknown = service.ask_raw(br#"{"id":3,"type":"explode"}"#);
    assert_eq!(unknown.id, Some(3));
    assert!(is_error(&unknown, ErrorCode::UnknownMessage), "{unknown:?}");
    let for_service1 = service.ask(4, RequestBody::Process { value: 1 });
    assert!(
        is_error(&for_service1, ErrorCode::UnknownMessage),
        "{for_service1:?}"
    );
    let reply = service.ask(6, RequestBody::Transform { value: 7 });
    assert_eq!(
        reply.body,
        ReplyBody::Transformed(TransformResult {
            original: 7,
            transformed: "Value-0007".into()
        })
    );
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let status = greeted_service2().close_stdin_and_wait();
    assert!(status.success(), "service2 ended with {status}");
}
