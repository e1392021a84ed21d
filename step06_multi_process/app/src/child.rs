//! [`ServiceProcess`]: a service as a child process, which answers the pipeline's calls over pipes.

use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use common::Request;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use crate::reply::{processed, transformed, unavailable};

pub const TIMEOUT: Duration = Duration::from_secs(5); // how long `call` waits for a reply line

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Vec<u8>>, // the lines of the child's stdout (see `start`)
}

impl ServiceProcess {
    /// Starts service `name` from `dir`.
    pub fn start(dir: &Path, name: &str) -> Result<Self, CallError> {
        let mut child = start_program(dir, name)?;
        // `child.stdin` is an `Option`, `Some` when piped: `take` moves the pipe out of it.
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        // A read from a pipe has no timeout: it waits forever for a child that hangs. So a thread
        // of its own reads the child's stdout, and `call` waits on a channel, with a timeout.
        let (sender, replies): (Sender<Vec<u8>>, Receiver<Vec<u8>>) = mpsc::channel();
        thread::spawn(|| read_lines(stdout, sender)); // the closure takes `stdout` and `sender`
        Ok(ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            replies,
        })
    }

    /// Writes `request` to the child's stdin; returns the reply line, waiting at most [`TIMEOUT`].
    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        let line = common::to_line(request); // the request as JSON, then "\n"
        // `write_all` needs a `&mut` writer, and `call` has only `&self`, as the traits do. But
        // `Write` is implemented for `&ChildStdin` too, so a shared reference can be the writer.
        let mut stdin = &self.stdin;
        if let Err(error) = stdin.write_all(line.as_bytes()) {
            let reason = format!("cannot write to it: {error}");
            return Err(unavailable(&self.name, reason));
        }
        match self.replies.recv_timeout(TIMEOUT) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
            Err(RecvTimeoutError::Disconnected) => Err(unavailable(&self.name, "it exited".into())),
        }
    }
}

/// Starts program `name` from `dir`, its stdin and stdout piped to the app, its stderr the app's.
pub fn start_program(dir: &Path, name: &str) -> Result<Child, CallError> {
    let path = dir.join(format!("{name}{EXE_SUFFIX}")); // `service1.exe` on Windows
    let mut command = Command::new(&path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    command.spawn().map_err(|error| {
        let path = path.display();
        let reason = format!("cannot start {path}: {error} (`cargo build` builds it)");
        unavailable(name, reason)
    })
}

/// The reading thread. When the child's stdout closes (the child exited), the loop ends and
/// `sender` is dropped: `call`'s `recv_timeout` then returns `Disconnected`.
fn read_lines(stdout: ChildStdout, sender: Sender<Vec<u8>>) {
    for line in BufReader::new(stdout).split(b'\n') {
        match line {
            Ok(line) => {
                let _ = sender.send(line); // fails only once the `ServiceProcess` is gone
            }
            Err(_) => return, // the pipe broke: as if it closed
        }
    }
}

/// Dropping a `ServiceProcess` stops its child: it kills it, then waits for its end.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // `let _ =`: a `drop` has no one to report an error to
        let _ = self.child.wait();
    }
}

/// The pipeline's traits, answered by the child: service1 processes, service2 transforms.
impl Processor for ServiceProcess {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let line = self.call(&Request::Process { value })?;
        processed(&self.name, &line)
    }
}

impl Transformer for ServiceProcess {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let line = self.call(&Request::Transform { value })?;
        transformed(&self.name, &line)
    }
}
