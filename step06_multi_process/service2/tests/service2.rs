//! service2 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. The protocol loop is the same as service1's (it lives in `common`, and
//! service1's tests cover its error cases one by one); these tests check service2's own messages
//! and that it, too, survives bad input and stops cleanly on EOF.

use std::path::Path;
use std::time::Duration;

use common::{
    ChildConnection, ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, Request, RequestBody,
};

/// Generous: a reply takes well under a millisecond, but CI machines can be slow and busy.
const PATIENCE: Duration = Duration::from_secs(20);

fn greeted_service2() -> ChildConnection {
    let mut service =
        ChildConnection::spawn(Path::new(env!("CARGO_BIN_EXE_service2")), &["--quiet"])
            .expect("service2 starts");
    let hello = send_and_receive(
        &mut service,
        Request {
            id: 0,
            body: RequestBody::Hello {
                protocol: PROTOCOL_VERSION,
            },
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

fn ask_raw(service: &mut ChildConnection, line: &[u8]) -> Reply {
    let mut line = line.to_vec();
    line.push(b'\n');
    service.send_raw(&line).expect("service2 reads its stdin");
    service
        .recv_reply(PATIENCE)
        .expect("service2 answers one JSON reply")
}

fn ask(service: &mut ChildConnection, body: RequestBody) -> ReplyBody {
    send_and_receive(service, Request { id: 5, body }).body
}

fn send_and_receive(service: &mut ChildConnection, request: Request) -> Reply {
    service.send(&request).expect("service2 reads its stdin");
    service
        .recv_reply(PATIENCE)
        .expect("service2 answers one JSON reply")
}

#[test]
fn transform_formats_the_value_and_analyze_describes_it() {
    let mut service = greeted_service2();
    assert_eq!(
        ask(&mut service, RequestBody::Transform { value: 84 }),
        ReplyBody::Transformed {
            original: 84,
            transformed: "Value-0084".into()
        }
    );
    assert_eq!(
        ask(
            &mut service,
            RequestBody::Analyze {
                original: 84,
                transformed: "Value-0084".into()
            }
        ),
        ReplyBody::Analyzed {
            analysis: "Analysis: 84 maps to Value-0084".into()
        }
    );
}

#[test]
fn bad_lines_get_error_replies_and_serving_goes_on() {
    let mut service = greeted_service2();
    let not_json = ask_raw(&mut service, b"{not json");
    assert!(
        matches!(
            not_json.body,
            ReplyBody::Error {
                code: ErrorCode::BadRequest,
                ..
            }
        ),
        "{not_json:?}"
    );
    let unknown = ask_raw(&mut service, br#"{"id":3,"type":"explode"}"#);
    assert_eq!(unknown.id, Some(3));
    assert!(
        matches!(
            unknown.body,
            ReplyBody::Error {
                code: ErrorCode::UnknownMessage,
                ..
            }
        ),
        "{unknown:?}"
    );
    let for_service1 = ask(&mut service, RequestBody::Process { value: 1 });
    assert!(
        matches!(
            for_service1,
            ReplyBody::Error {
                code: ErrorCode::UnknownMessage,
                ..
            }
        ),
        "{for_service1:?}"
    );
    assert_eq!(
        ask(&mut service, RequestBody::Transform { value: 7 }),
        ReplyBody::Transformed {
            original: 7,
            transformed: "Value-0007".into()
        }
    );
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let mut service = greeted_service2();
    service.close_stdin();
    let status = service
        .wait_timeout(PATIENCE)
        .unwrap()
        .expect("service2 exits once its stdin is closed");
    assert!(status.success(), "service2 ended with {status}");
}
