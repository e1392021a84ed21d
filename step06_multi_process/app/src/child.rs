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
use crate::reply::{processed, transformed, unavailable, version_from_hello};

/// How long `call` waits for a reply line.
pub const TIMEOUT: Duration = Duration::from_secs(5);

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Vec<u8>>, // the lines of the child's stdout, sent by `read_lines`
}

/// Dropping a `ServiceProcess` stops its child: it kills it, then waits for its end.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // `let _ =`: a `drop` has no one to report an error to
        let _ = self.child.wait();
    }
}

/// Starts program `name` from `dir`, its stdin and stdout piped to the app (its stderr stays the
/// app's). Public, and apart from `start`: the hardened app starts its children with it too.
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

/// The reading thread: sends each line of the child's stdout to `call`, which waits with a timeout
/// (a read may wait forever). When the pipe closes, it drops `sender`: `call` gets `Disconnected`.
fn read_lines(stdout: ChildStdout, sender: Sender<Vec<u8>>) {
    for line in BufReader::new(stdout).split(b'\n') {
        match line {
            Ok(line) => {
                let _ = sender.send(line); // fails once `call`'s end, the `ServiceProcess`, is gone
            }
            Err(_) => return, // the pipe broke: as if it closed
        }
    }
}

impl ServiceProcess {
    /// Starts program `name` from `dir`; returns it and the version its hello reports.
    pub fn start(dir: &Path, name: &str) -> Result<(Self, String), CallError> {
        let mut child = start_program(dir, name)?;
        // `spawn` put each pipe in an `Option` (`None` if not piped): `take` moves it out.
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let (sender, replies) = mpsc::channel();
        thread::spawn(|| read_lines(stdout, sender)); // the closure takes `stdout` and `sender`
        let service = ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            replies,
        };
        // A `?` from here on drops `service`, which stops the child.
        let version = version_from_hello(name, &service.call(&Request::Hello)?)?;
        Ok((service, version))
    }

    /// Writes `request` to the child's stdin; returns the reply line, waiting at most [`TIMEOUT`].
    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        // `to_line` adds the "\n", and a `ChildStdin` has no buffer: the line is in the pipe when
        // `write_all` returns. `Write` is implemented for `&ChildStdin`: `call` needs only `&self`.
        (&self.stdin)
            .write_all(common::to_line(request).as_bytes())
            .map_err(|error| unavailable(&self.name, format!("cannot write to it: {error}")))?;
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

/// The pipeline's traits, answered by the child: service1 processes, service2 transforms.
impl Processor for ServiceProcess {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        processed(&self.name, &self.call(&Request::Process { value })?)
    }
}

impl Transformer for ServiceProcess {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        transformed(&self.name, &self.call(&Request::Transform { value })?)
    }
}
