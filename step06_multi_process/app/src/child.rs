//! A service as a child process ([`ServiceProcess`]): start it, write a request line into its
//! stdin, read the reply line from its stdout, stop it. [`ChildProcessor`] and
//! [`ChildTransformer`] answer the pipeline's contract through it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use common::{Reply, Request};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long the app waits for one reply before it gives up on the service.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// The longest reply line read: a child that writes without end cannot fill the app's memory.
pub const MAX_LINE_BYTES: u64 = 64 * 1024;

/// What the adapters below need from a service: [`ServiceProcess`] here, and a second kind in
/// the hardened app (see `DESIGN.md`). An error reply is [`CallError::Rejected`].
pub trait Service {
    fn call(&self, request: &Request) -> Result<Reply, CallError>;
}

/// A running service, spoken to over its stdin and stdout.
pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    /// The lines of its stdout, read by a thread of their own.
    lines: Receiver<String>,
    timeout: Duration,
}

impl ServiceProcess {
    /// Starts the program at `path` as service `name`, and checks it answers the hello as `name`.
    /// Returns it and its component's version.
    pub fn start(name: &str, path: &Path, timeout: Duration) -> Result<(Self, String), CallError> {
        let mut child = spawn(name, path)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("`spawn` pipes both");
        };
        // The reading thread: hands over each line of the child's stdout until it closes (the
        // child exited; a line that is not UTF-8 ends the reading too) or we stop listening.
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            let (mut stdout, mut line) = (BufReader::new(stdout), String::new());
            while let Ok(1..) = (&mut stdout).take(MAX_LINE_BYTES).read_line(&mut line) {
                if sender.send(std::mem::take(&mut line)).is_err() {
                    return;
                }
            }
        });
        let service = ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            lines,
            timeout,
        };
        // From here on, a `?` drops `service`, and its `Drop` stops the child.
        let version = hello(&service, name)?;
        Ok((service, version))
    }
}

impl Service for ServiceProcess {
    fn call(&self, request: &Request) -> Result<Reply, CallError> {
        // One `write` of the whole line. (`&ChildStdin` is a writer: `call` needs only `&self`.)
        (&self.stdin)
            .write_all(to_line(request).as_bytes())
            .map_err(|error| unavailable(&self.name, format!("cannot write to it: {error}")))?;
        // A read from a pipe waits until a line comes or the child closes its stdout: forever,
        // if it hangs. The reading thread may wait forever; we wait for it at most `timeout`.
        match self.lines.recv_timeout(self.timeout) {
            Ok(line) => from_line(&self.name, &line),
            Err(RecvTimeoutError::Disconnected) => {
                Err(unavailable(&self.name, "it exited (its stdout closed)"))
            }
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: self.timeout,
            }),
        }
    }
}

/// However the app leaves `main` (an early `?`, a panic), no child is left running: kill it, and
/// wait for it ("reap" it), or the OS keeps the dead child's entry, a zombie, until the app exits.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // fails only if it has exited already
        let _ = self.child.wait();
    }
}

/// Starts the program at `path`, its stdin and stdout piped to us (requests in, replies out). Its
/// stderr is ours, as a child's is unless said otherwise: its log goes where ours goes.
pub fn spawn(name: &str, path: &Path) -> Result<Child, CallError> {
    let mut command = Command::new(path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    let started = command.spawn();
    let path = path.display();
    started.map_err(|error| {
        unavailable(
            name,
            format!("cannot start {path}: {error} (`cargo build` builds it)"),
        )
    })
}

/// Asks `service` who it is: it must answer the hello as `name`, or it is not the program the
/// app meant to start. Returns its component's version.
pub fn hello(service: &impl Service, name: &str) -> Result<String, CallError> {
    match service.call(&Request::Hello)? {
        Reply::Hello { service, version } if service == name => Ok(version),
        other => Err(unavailable(
            name,
            format!("it is not {name}: it said {other:?}"),
        )),
    }
}

/// `request` as one line of JSON. (Serializing these plain enums cannot fail.)
pub fn to_line(request: &Request) -> String {
    serde_json::to_string(request).expect("a `Request` always serializes") + "\n"
}

/// The reply in `line`, or why it is not one.
pub fn from_line(name: &str, line: &str) -> Result<Reply, CallError> {
    match serde_json::from_str(line) {
        Ok(Reply::Error { error }) => Err(CallError::Rejected {
            component: name.to_string(),
            reason: error,
        }),
        Ok(reply) => Ok(reply),
        Err(error) => {
            let line = line.trim_end();
            let reason = format!("it answered {line:?}, which is not a reply ({error})");
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

/// The pipeline's `Processor`, answered by service1 (through a [`ServiceProcess`] by default).
pub struct ChildProcessor<S = ServiceProcess>(pub S);

/// The pipeline's `Transformer`, answered by service2.
pub struct ChildTransformer<S = ServiceProcess>(pub S);

impl<S: Service> Processor for ChildProcessor<S> {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        match self.0.call(&Request::Process { value })? {
            Reply::Processed(result) => Ok(ProcessResult {
                value: result.value,
                processed: result.processed,
            }),
            other => Err(unavailable("service1", format!("it answered {other:?}"))),
        }
    }
}

impl<S: Service> Transformer for ChildTransformer<S> {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        match self.0.call(&Request::Transform { value })? {
            Reply::Transformed(result) => Ok(TransformResult {
                original: result.original,
                transformed: result.transformed,
            }),
            other => Err(unavailable("service2", format!("it answered {other:?}"))),
        }
    }
}
