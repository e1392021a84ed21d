//! A service as a child process: [`ServiceProcess`] starts it, writes a request line into its
//! stdin, reads the reply line from its stdout, and stops it. [`ChildProcessor`] and
//! [`ChildTransformer`] are the adapters: they implement the pipeline's traits by calling one.

use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use common::{Reply, Request};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use crate::wire::{from_line, to_line, unavailable, version_from_hello};

/// How long the app waits for one reply before it gives up on the service.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// The longest reply line read. A longer one is cut there, and is not a reply.
pub const MAX_LINE_BYTES: u64 = 64 * 1024;

/// A running service, spoken to over its stdin and stdout.
pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    /// The lines of its stdout, read by a thread of their own.
    lines: Receiver<Vec<u8>>,
}

impl ServiceProcess {
    /// Starts service `name` from `dir`; returns it and the version it says hello with.
    pub fn start(dir: &Path, name: &str) -> Result<(Self, String), CallError> {
        let mut child = start_program(dir, name)?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("`start_program` pipes both");
        };
        let (sender, lines) = mpsc::sync_channel(1);
        thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let mut limited = stdout.by_ref().take(MAX_LINE_BYTES);
                let read = limited.read_until(b'\n', &mut line);
                if !matches!(read, Ok(1..)) || sender.send(line).is_err() {
                    return;
                }
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

    /// Writes `request` as one line, and waits at most [`TIMEOUT`] for the reply line. After any
    /// error, drop the service: a late reply would be read as the answer to the next call.
    pub fn call(&self, request: &Request) -> Result<Reply, CallError> {
        (&self.stdin)
            .write_all(to_line(request).as_bytes())
            .map_err(|error| unavailable(&self.name, format!("cannot write to it: {error}")))?;
        match self.lines.recv_timeout(TIMEOUT) {
            Ok(line) => from_line(&self.name, &line),
            Err(RecvTimeoutError::Disconnected) => {
                Err(unavailable(&self.name, "it exited (its stdout closed)"))
            }
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
        }
    }
}

/// However the app leaves `main` (a `?`, a panic), no child is left running: kill it, reap it.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // `let _ =`: a `drop` has no one to report an error to
        let _ = self.child.wait();
    }
}

/// Starts program `name` from `dir` (`service1.exe` on Windows), its stdin and stdout piped to
/// the app. Its stderr stays the app's: its log goes where the app's goes.
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

/// service1's reply as the pipeline's result: `common`'s `ProcessResult` copied into the contract's
/// (its own type: the contract must not depend on how a component is reached; 07 and 08 reuse it).
pub fn processed(reply: Reply) -> Result<ProcessResult, CallError> {
    match reply {
        Reply::Processed(result) => Ok(ProcessResult {
            value: result.value,
            processed: result.processed,
        }),
        other => Err(unavailable("service1", format!("it answered {other:?}"))),
    }
}

/// service2's reply as the pipeline's result, the same way.
pub fn transformed(reply: Reply) -> Result<TransformResult, CallError> {
    match reply {
        Reply::Transformed(result) => Ok(TransformResult {
            original: result.original,
            transformed: result.transformed,
        }),
        other => Err(unavailable("service2", format!("it answered {other:?}"))),
    }
}
