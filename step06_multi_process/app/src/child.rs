//! The app's side of the boundary: a service as a child process, one line out, one line back.
//!
//! [`ServiceProcess::spawn`] starts a service binary with its stdin and stdout connected to the
//! app by pipes; [`ServiceProcess::call`] writes one request line into the service's stdin and
//! reads one reply line from its stdout. [`ChildProcessor`] and [`ChildTransformer`] implement the
//! pipeline's contract with those calls, so `run_pipeline` cannot tell it is talking to processes.
//!
//! Restarting a service that failed is not done here: `supervisor.rs` does it, around `call`.

use std::cell::RefCell;
use std::io::{self, BufReader};
use std::path::Path;
use std::process::{ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::framing::{self, LineRead, MAX_LINE_BYTES};
use common::{
    PROTOCOL_VERSION, ProcessResult, Reply, ReplyBody, Request, RequestBody, TransformResult,
};

use crate::pipeline::{Processor, Transformer};
use crate::supervisor::{Failure, Supervised, SupervisorError};
use crate::watchdog::{Process, Watchdog, lock};

/// How long a service gets to exit by itself once its stdin is closed, before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A running service, spoken to over its stdin and stdout. Its stderr is the app's own, so its
/// log lines show up in the same terminal.
pub struct ServiceProcess {
    pid: u32,
    /// The process and its stdin, shared with the watchdog thread, which kills a service that
    /// does not answer in time and closes its stdin on Ctrl-C.
    process: Arc<Process>,
    stdout: BufReader<ChildStdout>,
    watchdog: Watchdog,
    line: Vec<u8>,
    next_id: u64,
    exited: Option<ExitStatus>,
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
        own_process_group(&mut command);
        let mut child = command.spawn()?;

        let pid = child.id();
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let process = Arc::new(Process {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
        });
        Ok(Self {
            pid,
            watchdog: Watchdog::start(Arc::clone(&process))?,
            process,
            stdout: BufReader::new(stdout),
            line: Vec::with_capacity(256),
            next_id: 0,
            exited: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends one request and reads its reply: one JSON line out, one JSON line back.
    pub fn call(&mut self, body: RequestBody, timeout: Duration) -> Result<ReplyBody, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        match lock(&self.process.stdin).as_mut() {
            Some(stdin) => framing::write_message(stdin, &Request { id, body }),
            None => return Err(Failure::Closed),
        }
        .map_err(Failure::Write)?;

        // Blocks until the service writes a line or closes its stdout, forever if it hangs: the
        // watchdog ends a read that waits longer than `timeout`, by killing the service.
        let read = self.watchdog.guard(timeout, || {
            framing::read_line(&mut self.stdout, &mut self.line, MAX_LINE_BYTES)
        })?;
        match read.map_err(Failure::Read)? {
            LineRead::Line => {}
            LineRead::TooLong => return Err(Failure::TooLong),
            LineRead::Eof => return Err(Failure::Closed),
        }
        let reply: Reply =
            serde_json::from_slice(&self.line).map_err(|cause| Failure::Garbage {
                line: String::from_utf8_lossy(&self.line[..self.line.len().min(80)]).into(),
                cause: cause.to_string(),
            })?;
        if reply.id != Some(id) {
            return Err(Failure::WrongId {
                expected: id,
                got: reply.id,
            });
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
    /// read it). One still running [`STOP_GRACE`] later is killed.
    pub fn stop(&mut self) -> io::Result<Stopped> {
        lock(&self.process.stdin).take();
        let deadline = Instant::now() + STOP_GRACE;
        while self.exited.is_none() && Instant::now() < deadline {
            self.exited = lock(&self.process.child).try_wait()?;
            thread::sleep(Duration::from_millis(1));
        }
        match self.exited {
            Some(status) => Ok(Stopped::Exited(status)),
            None => self.kill().map(Stopped::Killed),
        }
    }

    /// Kills the process at once and reaps it.
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.exited {
            return Ok(status);
        }
        let mut child = lock(&self.process.child);
        // `kill` fails if the process already exited; `wait` still reaps it.
        let _ = child.kill();
        let status = child.wait()?;
        self.exited = Some(status);
        Ok(status)
    }
}

/// However the app leaves (an early `?`, a panic, a failed test), no service is left running and
/// no exited one unreaped.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        if self.exited.is_none() {
            let _ = self.stop();
        }
    }
}

/// How [`ServiceProcess::stop`] ended the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It exited by itself once its stdin closed.
    Exited(ExitStatus),
    /// It was still running after [`STOP_GRACE`] and was killed.
    Killed(ExitStatus),
}

/// Why a call through the contract gave no result.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The service answered with an error: it is healthy, and asking again gives the same answer.
    #[error("{service} answered: {message}")]
    Refused {
        service: &'static str,
        message: String,
    },
    /// The service gave no usable answer, and restarting it did not help.
    #[error(transparent)]
    Unavailable(#[from] SupervisorError),
}

/// `Processor`, answered by service1. (`RefCell`: a call needs `&mut` on the service, the
/// contract's methods take `&self`.)
pub struct ChildProcessor(pub RefCell<Supervised>);

/// `Transformer`, answered by service2.
pub struct ChildTransformer(pub RefCell<Supervised>);

impl Processor for ChildProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        match self.0.borrow_mut().call(RequestBody::Process { value })? {
            ReplyBody::Processed(result) => Ok(result),
            other => Err(refused("service1", other)),
        }
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

impl Transformer for ChildTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        match self.0.borrow_mut().call(RequestBody::Transform { value })? {
            ReplyBody::Transformed(result) => Ok(result),
            other => Err(refused("service2", other)),
        }
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}

/// An error reply, or a reply of the wrong kind, as the contract's error.
fn refused(service: &'static str, reply: ReplyBody) -> CallError {
    let message = match reply {
        ReplyBody::Error { error, .. } => error,
        other => format!("unexpected reply {other:?}"),
    };
    CallError::Refused { service, message }
}

/// Puts the child in a process group of its own, so a Ctrl-C in the terminal reaches only the app
/// (the terminal's foreground group), and the app alone decides when its children stop.
#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// Windows: a new process group does not receive the console's Ctrl-C.
#[cfg(windows)]
fn own_process_group(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200; // from `winbase.h`
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}
