//! The app's side of the boundary: a service as a child process, one line out, one line back.
//!
//! Names from files you may skip: `WatchedChild` (watchdog.rs) is the `Child` and its stdin, with
//! a thread that kills the child if a read waits past the timeout. `Failure` (supervisor.rs) says
//! how one exchange went wrong. `Supervised` (supervisor.rs) owns a `ServiceProcess`, calls it
//! with the timeout, and starts a fresh one when a call fails. `framing::read_line` (common) reads
//! one line of at most `MAX_LINE_BYTES` bytes.

use std::io::{self, BufReader};
use std::path::Path;
use std::process::{ChildStdout, Command, ExitStatus, Stdio};
use std::time::Duration;

use common::TransformResult;
use common::framing::{self, LineRead, MAX_LINE_BYTES};
use common::{PROTOCOL_VERSION, ProcessResult, Reply, ReplyBody, Request, RequestBody};

use crate::interrupt::own_process_group;
use crate::pipeline::{Processor, Transformer};
use crate::supervisor::{CallError, Failure, Supervised};
pub use crate::watchdog::{Stopped, WatchedChild};

/// How long a service gets to exit by itself once its stdin is closed, before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A running service, spoken to over its stdin and stdout.
pub struct ServiceProcess {
    child: WatchedChild,
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    next_id: u64,
}

impl ServiceProcess {
    /// Starts `program` with `args`, its stdin and stdout piped to us, its stderr inherited.
    pub fn spawn(program: &Path, args: &[&str]) -> io::Result<Self> {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped()) // requests go in here
            .stdout(Stdio::piped()) // replies come out here
            .stderr(Stdio::inherit()); // its log goes where ours goes
        // A process group of its own, so the terminal's Ctrl-C reaches the app, not the service:
        // the app decides when its children stop (interrupt.rs).
        own_process_group(&mut command);
        let mut child = command.spawn()?;
        // Move stdout out of the `Child`: this thread reads it, the watchdog holds the `Child`.
        // (`take` finds nothing only for a stream that was not piped, hence `expect`.)
        let stdout = child.stdout.take().expect("stdout is piped");
        Ok(Self {
            child: WatchedChild::start(child)?,
            stdout: BufReader::new(stdout),
            line: Vec::with_capacity(256),
            next_id: 0,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.pid()
    }

    /// Sends one request and reads its reply: one JSON line out, one JSON line back.
    pub fn call(&mut self, body: RequestBody, timeout: Duration) -> Result<ReplyBody, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        // One JSON line into the service's stdin (`self.child` is the `Child` and its stdin).
        self.child.send(&Request { id, body })?;

        // A plain blocking read: it waits until the service writes a line or closes its stdout,
        // forever if it hangs. So `read_within` kills a service that takes longer than `timeout`:
        // its stdout closes, and the read returns. `read_within` returns the read's own result
        // inside its own: `Result<io::Result<LineRead>, Failure>`.
        // The first `?`: it timed out (killed), or Ctrl-C.
        let read = self.child.read_within(timeout, || {
            framing::read_line(&mut self.stdout, &mut self.line, MAX_LINE_BYTES)
        })?;
        // The second `?`: the read itself failed. Else a line came, or one over 64 KiB, or EOF:
        // the service closed its stdout (it died).
        match read.map_err(Failure::Read)? {
            LineRead::Line => {}
            LineRead::TooLong => return Err(Failure::TooLong),
            LineRead::Eof => return Err(Failure::Closed),
        }
        // The line must be a reply, to this request.
        let reply: Reply = serde_json::from_slice(&self.line)
            .map_err(|cause| Failure::garbage(&self.line, cause))?;
        if reply.id != Some(id) {
            let got = reply.id;
            return Err(Failure::WrongId { expected: id, got });
        }
        Ok(reply.body)
    }

    /// The first exchange: the service says who it is, and the app checks that it started the
    /// binary it meant to, speaking the same protocol. Returns the component's version.
    pub fn hello(&mut self, name: &str, timeout: Duration) -> Result<String, Failure> {
        let hello = RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        };
        match self.call(hello, timeout)? {
            ReplyBody::Hello { service, .. } if service != name => Err(Failure::WrongService {
                expected: name.to_string(),
                found: service,
            }),
            ReplyBody::Hello { protocol, .. } if protocol != PROTOCOL_VERSION => {
                Err(Failure::OtherProtocol { theirs: protocol })
            }
            ReplyBody::Hello { version, .. } => Ok(version),
            other => Err(Failure::NotAHello(format!("{other:?}"))),
        }
    }

    /// Stops the service the clean way: closes its stdin, so it reads EOF and exits by itself,
    /// and waits for it ("reaps" it: the OS keeps an exited child's status until its parent has
    /// read it). One still running [`STOP_GRACE`] later is killed. [`Stopped`] says which.
    pub fn stop(&mut self) -> io::Result<Stopped> {
        self.child.close_and_wait(STOP_GRACE)
    }

    /// Kills the process at once and reaps it.
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        self.child.kill()
    }
}

/// However the app leaves (an early `?`, a panic, a failed test), no service is left running and
/// no exited one unreaped.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.stop(); // nothing to do if it was already stopped or killed
    }
}

/// `Processor`, answered by service1. `Supervised` owns a `ServiceProcess`, calls it with the
/// timeout, and restarts it when a call fails. Its `call` takes `&self`, as the contract does,
/// though `ServiceProcess::call` needs `&mut self`: a `RefCell` inside it (supervisor.rs; see
/// *New words* in the README) lends out the `&mut`, checked at run time.
pub struct ChildProcessor(pub Supervised);

/// `Transformer`, answered by service2.
pub struct ChildTransformer(pub Supervised);

impl Processor for ChildProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        match self.0.call(RequestBody::Process { value })? {
            ReplyBody::Processed(result) => Ok(result),
            other => Err(CallError::refused("service1", other)),
        }
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

impl Transformer for ChildTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        match self.0.call(RequestBody::Transform { value })? {
            ReplyBody::Transformed(result) => Ok(result),
            other => Err(CallError::refused("service2", other)),
        }
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}
