//! A service that dies, hangs or answers garbage is started again, and the request sent again.
//!
//! A call to another process can fail in ways a function call cannot: the process died, it hangs
//! (the watchdog kills it after `--timeout-ms`), or it wrote something that is not a reply.
//! [`Supervised::call`] treats the three alike: it logs what happened and how the process ended,
//! reaps what is left of it, waits (100 ms, then 200 ms, 400 ms...: the "backoff", so a service
//! that fails at once is not restarted in a tight loop), starts a fresh one and sends the same
//! request again. That retry is safe only because every request here is idempotent: doubling 42
//! twice gives the same answer. After `--max-restarts` restarts for one request it gives up, so a
//! request that crashes the service every time (a "poison message") cannot loop forever.
//!
//! Not retried: an error reply (the service is fine and said no), and what a restart cannot fix
//! (a missing binary, the wrong binary, another protocol version).

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use common::{PROTOCOL_VERSION, ReplyBody, RequestBody};

use crate::child::{STOP_GRACE, ServiceProcess, Stopped};
use crate::{interrupt, locate, log};

/// The wait before the first restart; it doubles for each further one, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// How patient the supervisor is.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// How long a service may take to answer one request (the hello included).
    pub timeout: Duration,
    /// Restarts allowed while serving one request; the count starts again after a success.
    pub max_restarts: u32,
}

/// How one exchange with a service process failed: it gave no usable answer. Each is worth a
/// restart, except the last three: a Ctrl-C, and a binary that is not the service or speaks
/// another protocol, which a fresh process of the same binary would be too.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("closed its stdout")]
    Closed,
    #[error("could not be written to ({0})")]
    Write(io::Error),
    #[error("could not be read from ({0})")]
    Read(io::Error),
    #[error("did not answer within {} ms", .0.as_millis())]
    TimedOut(Duration),
    #[error("wrote a line longer than the protocol allows")]
    TooLong,
    #[error("answered something that is not a reply ({line:?}: {cause})")]
    Garbage { line: String, cause: String },
    #[error("answered request {got:?} while request {expected} was waiting")]
    WrongId { expected: u64, got: Option<u64> },
    #[error("answered the hello with {0}")]
    NotAHello(String),
    #[error("interrupted by Ctrl-C")]
    Interrupted,
    #[error("is not {expected}: it introduced itself as {found:?}. Check --service-dir")]
    WrongService { expected: String, found: String },
    #[error(
        "speaks protocol {theirs}, this app speaks {PROTOCOL_VERSION}: rebuild both from the same \
         sources (`cargo build`)"
    )]
    OtherProtocol { theirs: u32 },
}

impl Failure {
    /// A line that is not a reply; the first 80 bytes of it are kept for the log.
    pub fn garbage(line: &[u8], cause: serde_json::Error) -> Self {
        Failure::Garbage {
            line: String::from_utf8_lossy(&line[..line.len().min(80)]).into(),
            cause: cause.to_string(),
        }
    }
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

impl CallError {
    /// An error reply, or a reply of the wrong kind, as the contract's error.
    pub fn refused(service: &'static str, reply: ReplyBody) -> Self {
        let message = match reply {
            ReplyBody::Error { error, .. } => error,
            other => format!("unexpected reply {other:?}"),
        };
        CallError::Refused { service, message }
    }
}

/// Why a call failed for good.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error(
        "cannot start {service}: {} does not exist. Build it with `cargo build -p {service}`, or \
         point --service-dir (or SERVICE_DIR) at the directory that holds it",
        path.display()
    )]
    Missing {
        service: &'static str,
        path: PathBuf,
    },
    #[error("cannot start {service} from {}: {error}", path.display())]
    SpawnFailed {
        service: &'static str,
        path: PathBuf,
        error: io::Error,
    },
    /// The binary is not the service, or speaks another protocol.
    #[error("{} {failure}", path.display())]
    Incompatible { path: PathBuf, failure: Failure },
    #[error(
        "{service} failed {attempts} time{} in a row, giving up; the last time it {last}",
        if *attempts == 1 { "" } else { "s" }
    )]
    GaveUp {
        service: &'static str,
        attempts: u32,
        last: Failure,
    },
    #[error("interrupted by Ctrl-C")]
    Interrupted,
}

/// A service process, (re)started on demand. It is the only owner of its process, and stops and
/// reaps it when dropped. (A `RefCell` inside: a call needs `&mut` on the process, the contract's
/// methods take `&self`.)
pub struct Supervised(RefCell<Service>);

impl Supervised {
    /// Starts service `name` from `dir` and completes the hello exchange (with restarts, like any
    /// call). `quiet` asks the service not to log every request.
    pub fn start(
        name: &'static str,
        dir: &Path,
        quiet: bool,
        policy: Policy,
    ) -> Result<Self, SupervisorError> {
        let mut service = Service {
            name,
            program: locate::executable(dir, name),
            args: if quiet { &["--quiet"] } else { &[] },
            policy,
            running: None,
            version: String::new(),
            restarts: 0,
        };
        service.with_restarts(|_| Ok(()))?;
        Ok(Self(RefCell::new(service)))
    }

    /// The component's version, as the service reported it in its hello.
    pub fn version(&self) -> String {
        self.0.borrow().version.clone()
    }

    /// How many times the service was restarted since it first started.
    pub fn restarts(&self) -> u32 {
        self.0.borrow().restarts
    }

    /// Sends one request and returns the service's reply, restarting the service as needed.
    pub fn call(&self, body: RequestBody) -> Result<ReplyBody, SupervisorError> {
        let mut service = self.0.borrow_mut();
        let timeout = service.policy.timeout;
        service.with_restarts(|process| process.call(body.clone(), timeout))
    }
}

struct Service {
    name: &'static str,
    program: PathBuf,
    args: &'static [&'static str],
    policy: Policy,
    running: Option<ServiceProcess>,
    version: String,
    restarts: u32,
}

impl Service {
    /// Runs `attempt` on the running process (started first if need be) until it succeeds, fails
    /// for good, or has used up the restarts.
    fn with_restarts<T>(
        &mut self,
        mut attempt: impl FnMut(&mut ServiceProcess) -> Result<T, Failure>,
    ) -> Result<T, SupervisorError> {
        let mut restarts = 0;
        loop {
            if interrupt::requested() {
                return Err(SupervisorError::Interrupted);
            }
            let failure = match self.running()? {
                Err(failure) => failure,
                Ok(process) => match attempt(process) {
                    Ok(value) => return Ok(value),
                    Err(failure) => failure,
                },
            };
            match failure {
                Failure::Interrupted => return Err(SupervisorError::Interrupted),
                // The process stays in `running`: it is stopped the clean way, like any other.
                Failure::WrongService { .. } | Failure::OtherProtocol { .. } => {
                    let path = self.program.clone();
                    return Err(SupervisorError::Incompatible { path, failure });
                }
                _ => self.discard(&failure),
            }
            if restarts == self.policy.max_restarts {
                return Err(SupervisorError::GaveUp {
                    service: self.name,
                    attempts: restarts + 1,
                    last: failure,
                });
            }
            restarts += 1;
            let backoff = FIRST_BACKOFF
                .saturating_mul(1 << (restarts - 1).min(16))
                .min(MAX_BACKOFF);
            log(format_args!(
                "restarting {} in {} ms (restart {restarts} of at most {} for this request)",
                self.name,
                backoff.as_millis(),
                self.policy.max_restarts
            ));
            sleep_unless_interrupted(backoff)?;
            self.restarts += 1;
        }
    }

    /// The running process; if there is none, starts one and says hello. The outer `Result` is a
    /// failure no restart can fix, the inner one a failed hello.
    fn running(&mut self) -> Result<Result<&mut ServiceProcess, Failure>, SupervisorError> {
        if self.running.is_none() {
            if !self.program.is_file() {
                let path = self.program.clone();
                let service = self.name;
                return Err(SupervisorError::Missing { service, path });
            }
            let process = ServiceProcess::spawn(&self.program, self.args).map_err(|error| {
                SupervisorError::SpawnFailed {
                    service: self.name,
                    path: self.program.clone(),
                    error,
                }
            })?;
            let (name, pid) = (self.name, process.pid());
            log(format_args!(
                "started {name} (pid {pid}) from {}",
                self.program.display()
            ));
            let process = self.running.insert(process);
            match process.hello(name, self.policy.timeout) {
                Ok(version) => self.version = version,
                Err(failure) => return Ok(Err(failure)),
            }
        }
        Ok(self.running.as_mut().ok_or(Failure::Closed))
    }

    /// Gets rid of a failed process, saying what went wrong and how the process ended.
    fn discard(&mut self, failure: &Failure) {
        let Some(mut process) = self.running.take() else {
            return;
        };
        // A process whose pipes broke is already ending: wait for it. One that misbehaves while
        // running (it hangs, or talks garbage) is killed.
        let ended = match failure {
            Failure::Closed | Failure::Write(_) | Failure::Read(_) => {
                process.stop().map(|stopped| match stopped {
                    Stopped::Exited(status) => format!("it ended with {status}"),
                    Stopped::Killed(status) => {
                        format!("it was still running, killed it ({status})")
                    }
                })
            }
            _ => process.kill().map(|status| format!("killed it ({status})")),
        };
        let ended = ended.unwrap_or_else(|error| format!("could not reap it: {error}"));
        log(format_args!(
            "{} (pid {}) {failure}; {ended}",
            self.name,
            process.pid()
        ));
    }
}

/// Stops the service the clean way, and says how it ended.
impl Drop for Service {
    fn drop(&mut self) {
        let Some(mut process) = self.running.take() else {
            return;
        };
        let (name, pid) = (self.name, process.pid());
        match process.stop() {
            Ok(Stopped::Exited(status)) => {
                log(format_args!("{name} (pid {pid}) stopped: {status}"))
            }
            Ok(Stopped::Killed(status)) => log(format_args!(
                "{name} (pid {pid}) did not exit within {} s of its stdin closing: killed it \
                 ({status})",
                STOP_GRACE.as_secs()
            )),
            Err(error) => log(format_args!(
                "{name} (pid {pid}) could not be waited for: {error}"
            )),
        }
    }
}

/// Sleeps for `duration`, but returns early with an error on Ctrl-C.
fn sleep_unless_interrupted(duration: Duration) -> Result<(), SupervisorError> {
    let deadline = Instant::now() + duration;
    while !interrupt::requested() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        thread::sleep(left.min(Duration::from_millis(50)));
    }
    Err(SupervisorError::Interrupted)
}
