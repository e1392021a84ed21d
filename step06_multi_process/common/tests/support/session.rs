//! A service binary as a child process, spoken to line by line: the one helper both services'
//! tests use. It lives here, outside any test target, and each test file includes it with
//! `#[path = "../../common/tests/support/session.rs"] mod session;`, because service1 and service2
//! are separate packages and a `tests/` directory cannot be shared between packages otherwise.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use common::{Reply, Request};

/// Generous: a reply takes well under a millisecond, but CI machines can be slow and busy.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The service binary as a child process. A reader thread hands its stdout lines over a channel,
/// so every wait here has a deadline. Dropping it kills and reaps the process, even when a test
/// fails halfway.
pub struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Session {
    /// Starts `program` (`env!("CARGO_BIN_EXE_service1")`).
    pub fn start(program: &str) -> Self {
        let mut child = Command::new(program)
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
    pub fn ask_raw(&mut self, line: &[u8]) -> Reply {
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

    pub fn ask(&mut self, request: Request) -> Reply {
        let line = serde_json::to_vec(&request).expect("a request is JSON");
        self.ask_raw(&line)
    }

    /// Closes the service's stdin and waits for it to exit.
    pub fn close_stdin_and_wait(&mut self) -> ExitStatus {
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
