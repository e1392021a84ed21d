//! service2 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. The loop is `common::serve`, as in service1, whose tests cover bad lines one
//! by one; these check service2's own answers, and that it too survives bad input and stops
//! cleanly on EOF.

#[path = "../../common/tests/support/session.rs"]
mod session;

use session::Session;

use common::{Reply, Request, TransformResult};

const SERVICE: &str = env!("CARGO_BIN_EXE_service2");

#[test]
fn transform_formats_the_value_and_bad_lines_do_not_stop_it() {
    let mut service = Session::start(SERVICE);
    let not_json = service.ask_raw(b"{not json");
    assert!(matches!(not_json, Reply::Error { .. }), "{not_json:?}");
    let for_service1 = service.ask(Request::Process { value: 1 });
    assert!(
        matches!(for_service1, Reply::Error { .. }),
        "{for_service1:?}"
    );
    let reply = service.ask(Request::Transform { value: 84 });
    let formatted = TransformResult {
        original: 84,
        transformed: "Value-0084".into(),
    };
    assert_eq!(reply, Reply::Transformed(formatted));
}

#[test]
fn eof_on_stdin_is_a_clean_exit_with_status_0() {
    let status = Session::start(SERVICE).close_stdin_and_wait();
    assert!(status.success(), "service2 ended with {status}");
}
