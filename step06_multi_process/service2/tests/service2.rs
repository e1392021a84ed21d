//! service2 as the app sees it: the real binary, started as a child process, spoken to over its
//! stdin and stdout. The protocol loop is the same as service1's (it lives in `common`, and
//! service1's tests cover its error cases one by one); these tests check service2's own messages
//! and that it, too, survives bad input and stops cleanly on EOF.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, Request, RequestBody, TransformResult,
};

const SERVICE: &str = env!("CARGO_BIN_EXE_service2");

/// Generous: a reply takes well under a millisecond, but CI machines can be slow and busy.
const PATIENCE: Duration = Duration::from_secs(20);

/// The service binary as a child process, spoken to line by line. A reader thread hands its
/// stdout lines over a channel, so every wait here has a deadline. Dropping it kills and reaps
/// the process, even when a test fails halfway.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Session {
    fn start() -> Self {
        let mut child = Command::new(SERVICE)
            .arg("--quiet")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the service starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Self {
            child,
            stdin,
            lines,
        }
    }

    /// Writes `line` and a newline, and reads the reply line.
    fn ask_raw(&mut self, line: &[u8]) -> Reply {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(line).expect("the service reads its stdin");
        stdin.write_all(b"\n").expect("the service reads its stdin");
        stdin.flush().expect("the service reads its stdin");
        let reply = self
            .lines
            .recv_timeout(PATIENCE)
            .expect("the service answers");
        serde_json::from_str(&reply).expect("the reply is one JSON reply")
    }

    fn ask(&mut self, id: u64, body: RequestBody) -> Reply {
        let line = serde_json::to_vec(&Request { id, body }).expect("a request is JSON");
        self.ask_raw(&line)
    }

    /// Closes the service's stdin and waits for it to exit.
    fn close_stdin_and_wait(&mut self) -> ExitStatus {
        self.stdin.take();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("the service can be waited for")
            {
                return status;
            }
            thread::sleep(Duration::from_millis(10));
        }
        panic!("the service did not exit within {PATIENCE:?} of its stdin closing");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn greeted_service2() -> Session {
    let mut service = Session::start();
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
