//! A service as a child process. [`ServiceProcess`] starts one and calls it: a request line into
//! its stdin, the reply line back from its stdout. It implements the pipeline's traits that way.

use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use common::Request;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use crate::reply::{processed, transformed, unavailable, version_from_hello};

/// How long `call` waits for a reply.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Starts program `name` from `dir` (`service1.exe` on Windows), its stdin and stdout piped to
/// the app. Its stderr stays the app's: the service's log shows with the app's.
pub fn start_program(dir: &Path, name: &str) -> Result<Child, CallError> {
    let path = dir.join(format!("{name}{EXE_SUFFIX}"));
    let mut command = Command::new(&path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    command.spawn().map_err(|error| {
        let path = path.display();
        let reason = format!("cannot start {path}: {error} (`cargo build` builds it)");
        unavailable(name, reason)
    })
}

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Vec<u8>>, // the lines of its stdout, from the reading thread (see `start`)
}

impl ServiceProcess {
    /// Starts program `name` from `dir`; returns it and the version its hello reports.
    pub fn start(dir: &Path, name: &str) -> Result<(Self, String), CallError> {
        let mut child = start_program(dir, name)?;
        // `child.stdin` and `.stdout` are `Option`s, which `spawn` filled (both are piped): `take`
        // moves each pipe out.
        let stdin = child.stdin.take().expect("piped above");
        let stdout = child.stdout.take().expect("piped above");

        // Reading a pipe waits for the next line, however long that takes. So a thread of its
        // own reads, and sends each line into a channel, where `call` can wait with a timeout.
        let (sender, lines) = mpsc::channel();
        // `move`: the thread takes `stdout` and `sender` with it.
        thread::spawn(move || {
            // `split`: the lines as bytes, so one that is not UTF-8 is still read as a line.
            for line in BufReader::new(stdout).split(b'\n') {
                let Ok(line) = line else { return }; // a read error ends the thread too
                let _ = sender.send(line); // an error: the `ServiceProcess`, and its child, are gone
            }
        }); // The child's stdout closed: the thread ends, and drops `sender`.

        let service = ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            lines,
        };
        // From here on, a `?` drops `service`, and its `Drop` stops the child.
        let hello = service.call(&Request::Hello)?;
        let version = version_from_hello(name, &hello)?;
        Ok((service, version))
    }

    /// Writes `request` as a line into the child's stdin, and returns the reply line from its
    /// stdout, waiting at most [`TIMEOUT`] for it.
    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        // `&self.stdin`: a pipe can be written through a shared reference, so `call` takes
        // `&self`, as the traits' methods do.
        (&self.stdin)
            .write_all(common::to_line(request).as_bytes())
            .map_err(|error| unavailable(&self.name, format!("cannot write to it: {error}")))?;
        match self.lines.recv_timeout(TIMEOUT) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
            // The reading thread ended and dropped `sender`: the child's stdout closed.
            Err(RecvTimeoutError::Disconnected) => {
                Err(unavailable(&self.name, "it exited".to_string()))
            }
        }
    }
}

/// However `main` ends (a `?`, a panic), no child is left running: kill it, then wait for its end.
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
