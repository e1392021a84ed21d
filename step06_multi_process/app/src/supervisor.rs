//! One service process, kept alive: started once, restarted when it fails, stopped at the end.
//!
//! A call to another process can fail in ways a function call cannot: the process died, it hangs,
//! or it wrote something that is not a reply. [`SupervisedService::call`] treats those three the
//! same way: it logs what happened and how the process ended, kills and reaps what is left of it,
//! waits a little (the backoff doubles each time), starts a fresh one and sends the same request
//! again. That retry is safe only because every request here is idempotent: doubling 42 twice
//! gives the same answer. It gives up after `max_restarts` restarts for one request, so a request
//! that crashes the service every time (a "poison message") cannot loop forever.
//!
//! What is *not* retried: an error reply (the service is fine and said no; asking again gives the
//! same answer), and problems a restart cannot fix (a missing binary, the wrong binary, another
//! protocol version).

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::thread;
use std::time::{Duration, Instant};

use common::connection::STOP_GRACE;
use common::{
    ChildConnection, PROTOCOL_VERSION, RecvError, ReplyBody, ReplyError, Request, RequestBody,
    Stopped,
};

use crate::{interrupt, log};

/// How patient the supervisor is.
#[derive(Debug, Clone, Copy)]
pub struct RestartPolicy {
    /// How long a service may take to answer one request (the hello included).
    pub timeout: Duration,
    /// Restarts allowed while serving one request; the count starts again after a success.
    pub max_restarts: u32,
    /// The wait before the first restart; it doubles for each further one, up to [`MAX_BACKOFF`].
    pub first_backoff: Duration,
}

pub const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// How often the supervisor checks for Ctrl-C while it waits to restart a service. (While it waits
/// for a reply, the connection's watchdog does, as often.)
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

/// What the service said about itself in the hello exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceIdentity {
    pub component: String,
    pub version: String,
}

/// Why a call failed for good.
#[derive(Debug)]
pub enum SupervisorError {
    /// The binary is not there.
    Missing { service: String, path: PathBuf },
    /// The binary is there but could not be started.
    SpawnFailed {
        service: String,
        path: PathBuf,
        error: io::Error,
    },
    /// The binary answered the hello as another service.
    WrongService {
        service: String,
        path: PathBuf,
        found: String,
    },
    /// The binary speaks another version of the protocol.
    ProtocolMismatch {
        service: String,
        path: PathBuf,
        theirs: u32,
    },
    /// Every attempt failed; `last` says how the last one did.
    GaveUp {
        service: String,
        attempts: u32,
        last: String,
    },
    /// Ctrl-C arrived while waiting.
    Interrupted,
}

impl fmt::Display for SupervisorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SupervisorError::Missing { service, path } => write!(
                f,
                "cannot start {service}: {} does not exist. Build it with `cargo build -p {service}`, \
                 or point --service-dir (or SERVICE_DIR) at the directory that holds it",
                path.display()
            ),
            SupervisorError::SpawnFailed {
                service,
                path,
                error,
            } => write!(f, "cannot start {service} from {}: {error}", path.display()),
            SupervisorError::WrongService {
                service,
                path,
                found,
            } => write!(
                f,
                "{} is not {service}: it introduced itself as {found:?}. Check --service-dir",
                path.display()
            ),
            SupervisorError::ProtocolMismatch {
                service,
                path,
                theirs,
            } => write!(
                f,
                "{service} at {} speaks protocol {theirs}, this app speaks {PROTOCOL_VERSION}: \
                 rebuild both from the same sources (`cargo build`)",
                path.display()
            ),
            SupervisorError::GaveUp {
                service,
                attempts,
                last,
            } => write!(
                f,
                "{service} failed {attempts} time{} in a row, giving up; the last time it {last}",
                if *attempts == 1 { "" } else { "s" }
            ),
            SupervisorError::Interrupted => write!(f, "interrupted by Ctrl-C"),
        }
    }
}

impl std::error::Error for SupervisorError {}

/// How one attempt failed: worth a restart, or not.
enum Attempt {
    Fatal(SupervisorError),
    Restart(Failure),
}

/// A failure a fresh process may not have.
#[derive(Debug)]
enum Failure {
    /// Its stdout closed: it exited, or is exiting.
    Died,
    WriteFailed(io::Error),
    ReadFailed(io::Error),
    TimedOut(Duration),
    Garbage {
        line: String,
        cause: String,
    },
    TooLong,
    WrongId {
        expected: u64,
        got: Option<u64>,
    },
    NotAHello(String),
}

impl Failure {
    /// Whether the process is already ending by itself (it should be waited for) or is still
    /// running and misbehaving (it should be killed).
    fn process_is_ending(&self) -> bool {
        matches!(
            self,
            Failure::Died | Failure::WriteFailed(_) | Failure::ReadFailed(_)
        )
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Died => write!(f, "closed its stdout"),
            Failure::WriteFailed(error) => write!(f, "could not be written to ({error})"),
            Failure::ReadFailed(error) => write!(f, "could not be read from ({error})"),
            Failure::TimedOut(timeout) => {
                write!(f, "did not answer within {} ms", timeout.as_millis())
            }
            Failure::Garbage { line, cause } => {
                write!(
                    f,
                    "answered something that is not a reply ({line:?}: {cause})"
                )
            }
            Failure::TooLong => write!(f, "wrote a line longer than the protocol allows"),
            Failure::WrongId { expected, got } => {
                write!(
                    f,
                    "answered request {got:?} while request {expected} was waiting"
                )
            }
            Failure::NotAHello(reply) => write!(f, "answered the hello with {reply}"),
        }
    }
}

/// The service binary to run and how.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: &'static str,
    pub program: PathBuf,
    pub quiet: bool,
}

/// A service process that is (re)started on demand. It is the only owner of its process, and
/// stops and reaps it when dropped.
pub struct SupervisedService {
    spec: ServiceSpec,
    policy: RestartPolicy,
    running: Option<ChildConnection>,
    identity: Option<ServiceIdentity>,
    next_id: u64,
    restarts: u32,
}

impl SupervisedService {
    /// Starts the service and completes the hello exchange (with restarts, like any call).
    pub fn start(spec: ServiceSpec, policy: RestartPolicy) -> Result<Self, SupervisorError> {
        let mut service = Self {
            spec,
            policy,
            running: None,
            identity: None,
            next_id: 0,
            restarts: 0,
        };
        service.with_restarts(|service| service.ensure_running())?;
        Ok(service)
    }

    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// What the service said about itself in its last hello.
    pub fn identity(&self) -> Option<&ServiceIdentity> {
        self.identity.as_ref()
    }

    /// How many times the service was restarted since it first started.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// Sends one request and returns the service's reply, restarting the service as needed.
    pub fn call(&mut self, body: &RequestBody) -> Result<ReplyBody, SupervisorError> {
        self.with_restarts(|service| {
            service.ensure_running()?;
            service.exchange(body.clone())
        })
    }

    /// Stops the service the clean way (closes its stdin, so it exits by itself) and reaps it.
    pub fn stop(&mut self) {
        let Some(mut child) = self.running.take() else {
            return;
        };
        let pid = child.pid();
        match child.stop(STOP_GRACE) {
            Ok(Stopped::Exited(status)) => log(format_args!(
                "{} (pid {pid}) stopped: {status}",
                self.spec.name
            )),
            Ok(Stopped::Killed(status)) => log(format_args!(
                "{} (pid {pid}) did not exit within {} s of its stdin closing: killed it ({status})",
                self.spec.name,
                STOP_GRACE.as_secs()
            )),
            Err(error) => log(format_args!(
                "{} (pid {pid}) could not be waited for: {error}",
                self.spec.name
            )),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or has used up its restarts.
    fn with_restarts<T>(
        &mut self,
        mut attempt: impl FnMut(&mut Self) -> Result<T, Attempt>,
    ) -> Result<T, SupervisorError> {
        let mut restarts = 0;
        loop {
            let failure = match attempt(self) {
                Ok(value) => return Ok(value),
                Err(Attempt::Fatal(error)) => return Err(error),
                Err(Attempt::Restart(failure)) => failure,
            };
            self.discard(&failure);
            if restarts == self.policy.max_restarts {
                return Err(SupervisorError::GaveUp {
                    service: self.spec.name.to_string(),
                    attempts: restarts + 1,
                    last: failure.to_string(),
                });
            }
            restarts += 1;
            let backoff = self
                .policy
                .first_backoff
                .saturating_mul(1 << (restarts - 1).min(16))
                .min(MAX_BACKOFF);
            log(format_args!(
                "restarting {} in {} ms (restart {restarts} of at most {} for this request)",
                self.spec.name,
                backoff.as_millis(),
                self.policy.max_restarts
            ));
            sleep_unless_interrupted(backoff)?;
            self.restarts += 1;
        }
    }

    /// Starts the process and does the hello exchange, unless it is already running.
    fn ensure_running(&mut self) -> Result<(), Attempt> {
        if self.running.is_some() {
            return Ok(());
        }
        let spec = &self.spec;
        if !spec.program.is_file() {
            return Err(Attempt::Fatal(SupervisorError::Missing {
                service: spec.name.to_string(),
                path: spec.program.clone(),
            }));
        }
        let args: &[&str] = if spec.quiet { &["--quiet"] } else { &[] };
        let child = ChildConnection::spawn_interruptible(&spec.program, args, interrupt::requested)
            .map_err(|error| {
                Attempt::Fatal(SupervisorError::SpawnFailed {
                    service: spec.name.to_string(),
                    path: spec.program.clone(),
                    error,
                })
            })?;
        log(format_args!(
            "started {} (pid {}) from {}",
            spec.name,
            child.pid(),
            spec.program.display()
        ));
        self.running = Some(child);

        let hello = self.exchange(RequestBody::Hello {
            protocol: PROTOCOL_VERSION,
        })?;
        let ReplyBody::Hello {
            protocol,
            service,
            component,
            version,
        } = hello
        else {
            return Err(Attempt::Restart(Failure::NotAHello(format!("{hello:?}"))));
        };
        let path = || self.spec.program.clone();
        if service != self.spec.name {
            return Err(Attempt::Fatal(SupervisorError::WrongService {
                service: self.spec.name.to_string(),
                path: path(),
                found: service,
            }));
        }
        if protocol != PROTOCOL_VERSION {
            return Err(Attempt::Fatal(SupervisorError::ProtocolMismatch {
                service: self.spec.name.to_string(),
                path: path(),
                theirs: protocol,
            }));
        }
        self.identity = Some(ServiceIdentity { component, version });
        Ok(())
    }

    /// Sends one request to the running process and waits for the reply that carries its id.
    fn exchange(&mut self, body: RequestBody) -> Result<ReplyBody, Attempt> {
        let id = self.next_id;
        self.next_id += 1;
        let timeout = self.policy.timeout;
        let Some(child) = self.running.as_mut() else {
            return Err(Attempt::Restart(Failure::Died));
        };
        if interrupt::requested() {
            return Err(Attempt::Fatal(SupervisorError::Interrupted));
        }
        child
            .send(&Request { id, body })
            .map_err(|error| Attempt::Restart(Failure::WriteFailed(error)))?;

        // One wait for the whole timeout: the connection's watchdog ends it early on Ctrl-C.
        let failure = match child.recv_reply(timeout) {
            Ok(reply) if reply.id == Some(id) => return Ok(reply.body),
            Ok(reply) => Failure::WrongId {
                expected: id,
                got: reply.id,
            },
            Err(ReplyError::Recv(RecvError::Interrupted)) => {
                return Err(Attempt::Fatal(SupervisorError::Interrupted));
            }
            Err(ReplyError::Recv(RecvError::TimedOut)) => Failure::TimedOut(timeout),
            Err(ReplyError::Recv(RecvError::Closed)) => Failure::Died,
            Err(ReplyError::Recv(RecvError::TooLong)) => Failure::TooLong,
            Err(ReplyError::Recv(RecvError::Io(error))) => Failure::ReadFailed(error),
            Err(ReplyError::Garbage { line, cause }) => Failure::Garbage { line, cause },
        };
        Err(Attempt::Restart(failure))
    }

    /// Gets rid of a failed process, saying what went wrong and how the process ended.
    fn discard(&mut self, failure: &Failure) {
        let Some(mut child) = self.running.take() else {
            return;
        };
        let pid = child.pid();
        let ended = if failure.process_is_ending() {
            child.stop(STOP_GRACE).map(|stopped| match stopped {
                Stopped::Exited(status) => format!("it ended with {status}"),
                Stopped::Killed(status) => format!("it was still running, killed it ({status})"),
            })
        } else {
            child.kill().map(|status| format!("killed it ({status})"))
        };
        let ended = ended.unwrap_or_else(|error| format!("could not reap it: {error}"));
        log(format_args!(
            "{} (pid {pid}) {failure}; {ended}",
            self.spec.name
        ));
    }
}

impl Drop for SupervisedService {
    fn drop(&mut self) {
        self.stop();
    }
}

fn sleep_unless_interrupted(duration: Duration) -> Result<(), SupervisorError> {
    let deadline = Instant::now() + duration;
    loop {
        if interrupt::requested() {
            return Err(SupervisorError::Interrupted);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        thread::sleep(left.min(INTERRUPT_POLL));
    }
}
