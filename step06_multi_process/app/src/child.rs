//! A service as a child process. [`ServiceProcess`] starts it and calls it: a request line into
//! its stdin, a reply line back from its stdout. [`ChildProcessor`] and [`ChildTransformer`]
//! implement the pipeline's traits by calling one.

use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use common::{Reply, Request};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long `call` waits for a reply before it gives up on the service.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// The longest line read: a child that writes without end cannot fill the app's memory.
pub const MAX_LINE_BYTES: u64 = 64 * 1024;

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    /// The lines of its stdout, from the reading thread (see `start`).
    lines: Receiver<Vec<u8>>,
}

impl ServiceProcess {
    /// Starts service `name` from `dir`; returns it and the version it reports in its hello.
    pub fn start(dir: &Path, name: &str) -> Result<(Self, String), CallError> {
        let mut child = start_program(dir, name)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("`start_program` pipes both");
        };
        // A read from a pipe has no timeout: it waits until a line comes or the pipe closes. So
        // this thread reads, and hands each line over a channel (which holds one line: `send`
        // waits while it is full); `call` waits on the channel, which has a timeout.
        let (sender, lines) = mpsc::sync_channel(1);
        thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                // `take`: a reader that stops at MAX_LINE_BYTES; `by_ref`: it borrows `stdout`.
                let mut limited = stdout.by_ref().take(MAX_LINE_BYTES);
                let read = limited.read_until(b'\n', &mut line);
                let Ok(1..) = read else { return }; // 0 bytes (its stdout closed), or an error
                let Ok(()) = sender.send(line) else { return }; // the `ServiceProcess` is gone
            }
        });
        let service = ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            lines,
        };
        // From here on, a `?` drops `service`, and its `Drop` stops the child.
        let version = version_from_hello(name, service.call(&Request::Hello)?)?;
        Ok((service, version))
    }

    /// Writes `request` as one line, and waits at most [`TIMEOUT`] for the reply line. After an
    /// error, drop the service: a late reply would be taken for the next call's.
    pub fn call(&self, request: &Request) -> Result<Reply, CallError> {
        // `Write` is implemented for `&ChildStdin` too: writing needs no `&mut self`.
        (&self.stdin)
            .write_all(common::to_line(request).as_bytes())
            .map_err(|error| unavailable(&self.name, format!("cannot write to it: {error}")))?;
        match self.lines.recv_timeout(TIMEOUT) {
            Ok(line) => from_line(&self.name, &line),
            Err(RecvTimeoutError::Disconnected) => {
                // The reading thread ended, and dropped `sender`: the child's stdout closed.
                Err(unavailable(&self.name, "it exited (its stdout closed)"))
            }
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
        }
    }
}

/// However the app leaves `main` (a `?`, a panic), no child is left running: kill it, then reap it
/// (wait for its end). Its stdout closes, so the reading thread ends too.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // `let _ =`: a `drop` has no one to report an error to
        let _ = self.child.wait();
    }
}

/// The pipeline's `Processor`, answered by service1 (a tuple struct: `self.0` is its one field).
pub struct ChildProcessor(pub ServiceProcess);
/// The pipeline's `Transformer`, answered by service2.
pub struct ChildTransformer(pub ServiceProcess);

impl Processor for ChildProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        processed(self.0.call(&Request::Process { value })?)
    }
}

impl Transformer for ChildTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        transformed(self.0.call(&Request::Transform { value })?)
    }
}

/// service1's reply as the contract's `ProcessResult`. `result` is `common`'s `ProcessResult`,
/// another type, which serde turns into JSON; the contract's knows nothing of JSON.
pub fn processed(reply: Reply) -> Result<ProcessResult, CallError> {
    match reply {
        Reply::Processed(result) => Ok(ProcessResult {
            value: result.value,
            processed: result.processed,
        }),
        other => Err(unavailable("service1", format!("it answered {other:?}"))),
    }
}

/// service2's reply as the contract's `TransformResult`, the same way.
pub fn transformed(reply: Reply) -> Result<TransformResult, CallError> {
    match reply {
        Reply::Transformed(result) => Ok(TransformResult {
            original: result.original,
            transformed: result.transformed,
        }),
        other => Err(unavailable("service2", format!("it answered {other:?}"))),
    }
}

/// Starts program `name` from `dir` (`service1.exe` on Windows), its stdin and stdout piped to
/// the app. Its stderr stays the app's: the service's log shows where the app's does.
pub fn start_program(dir: &Path, name: &str) -> Result<Child, CallError> {
    let path = dir.join(format!("{name}{EXE_SUFFIX}"));
    let mut command = Command::new(&path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    let started = command.spawn();
    let path = path.display();
    started.map_err(|error| {
        let reason = format!("cannot start {path}: {error} (`cargo build` builds it)");
        unavailable(name, reason)
    })
}

/// The version in `name`'s answer to the hello. Any other answer: the program is not `name`.
pub fn version_from_hello(name: &str, reply: Reply) -> Result<String, CallError> {
    match reply {
        Reply::Hello { service, version } if service == name => Ok(version),
        other => {
            let reason = format!("it is not {name}: it said {other:?}");
            Err(unavailable(name, reason))
        }
    }
}

/// The reply in `line`. An error reply is the component saying no. A line that is not a reply
/// fails the call; the error shows its first 80 bytes at most (it may be 64 KiB of anything).
pub fn from_line(name: &str, line: &[u8]) -> Result<Reply, CallError> {
    match serde_json::from_slice(line) {
        Ok(Reply::Error { error }) => Err(CallError::Rejected {
            component: name.to_string(),
            reason: error,
        }),
        Ok(reply) => Ok(reply),
        Err(error) => {
            let shown = String::from_utf8_lossy(&line[..line.len().min(80)]);
            let shown = shown.trim_end();
            let reason = format!("it answered {shown:?}, which is not a reply ({error})");
            Err(unavailable(name, reason))
        }
    }
}

/// The call to `name` could not be made, or what came back was not an answer.
pub fn unavailable(name: &str, reason: impl ToString) -> CallError {
    CallError::Unavailable {
        component: name.to_string(),
        reason: reason.to_string(),
    }
}
