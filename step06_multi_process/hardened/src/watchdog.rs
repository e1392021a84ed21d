//! [`WatchedProcess`]: a child process like the lesson's `ServiceProcess`, with the reply read on
//! the caller's own thread and a watchdog thread bounding the read, instead of a reading thread
//! and `recv_timeout`.
//!
//! Why: in the lesson every reply wakes the reading thread, which then wakes the caller: a third
//! thread on the path of every reply, which measured twice the cost of the bare pipe (DESIGN.md).
//! Here the caller reads the pipe itself. Before the read it stores a deadline in an atomic;
//! after it, it swaps the deadline out. The watchdog looks every [`POLL`]: past the deadline, it
//! kills the child, whose stdout then closes, so the blocked read returns, and the caller finds
//! the deadline marked [`EXPIRED`]: `TimedOut`. A reply costs two atomic operations more than a
//! bare read.
//!
//! [`WatchedProcessor`] and [`WatchedTransformer`] are the pipeline's `Processor` and
//! `Transformer` over it, as the lesson's `ChildProcessor` and `ChildTransformer` are over its
//! `ServiceProcess`. Spawning, the hello, reading a reply line and the conversion of a reply into
//! the pipeline's result are the lesson's functions (`app::child`); a request line is `common`'s.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use app::child::{self, MAX_LINE_BYTES};
use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::{Reply, Request};

/// How often the watchdog looks: how late a timeout can be noticed.
const POLL: Duration = Duration::from_millis(50);

/// `deadline` when no read waits, and once the watchdog has killed the child for one.
const NO_READ: u64 = u64::MAX;
const EXPIRED: u64 = u64::MAX - 1;

/// A running service, read on the caller's thread, watched by a thread of its own.
pub struct WatchedProcess {
    name: String,
    shared: Arc<Shared>,
    stdin: ChildStdin,
    /// A `Mutex` only to lend `&mut` through the `&self` of `call`; one caller at a time.
    stdout: Mutex<BufReader<ChildStdout>>,
    timeout: Duration,
    stop_watchdog: Sender<()>,
    watchdog: Option<JoinHandle<()>>,
}

/// What the caller's thread and the watchdog both touch.
struct Shared {
    child: Mutex<Child>,
    /// When the read in progress must end, in microseconds since `epoch`; or [`NO_READ`],
    /// [`EXPIRED`].
    deadline: AtomicU64,
    epoch: Instant,
}

impl WatchedProcess {
    /// Like the lesson's `ServiceProcess::start`: starts service `name` from `dir`, checks the
    /// hello, and returns it with its component's version.
    pub fn start(dir: &Path, name: &str, timeout: Duration) -> Result<(Self, String), CallError> {
        let mut started = child::start_program(dir, name)?;
        let (Some(stdin), Some(stdout)) = (started.stdin.take(), started.stdout.take()) else {
            unreachable!("stdin and stdout are piped");
        };
        let shared = Arc::new(Shared {
            child: Mutex::new(started),
            deadline: AtomicU64::new(NO_READ),
            epoch: Instant::now(),
        });
        let (stop_watchdog, stop_requested) = mpsc::channel();
        let watched = Arc::clone(&shared);
        let watchdog = thread::Builder::new()
            .name(format!("watchdog {name}"))
            .spawn(move || watch(&watched, &stop_requested));
        let watchdog = match watchdog {
            Ok(watchdog) => watchdog,
            Err(error) => {
                // No watchdog, no service: it must not be left running.
                let mut started = lock(&shared.child);
                let _ = started.kill();
                let _ = started.wait();
                return Err(child::unavailable(name, format!("no watchdog: {error}")));
            }
        };
        let service = WatchedProcess {
            name: name.to_string(),
            shared,
            stdin,
            stdout: Mutex::new(BufReader::new(stdout)),
            timeout,
            stop_watchdog,
            watchdog: Some(watchdog),
        };
        let version = child::version_from_hello(name, service.call(&Request::Hello)?)?;
        Ok((service, version))
    }
}

impl WatchedProcess {
    /// Writes `request` as one line, and reads the reply line, or kills the child past the timeout.
    pub fn call(&self, request: &Request) -> Result<Reply, CallError> {
        let name = &self.name;
        (&self.stdin)
            .write_all(common::to_line(request).as_bytes())
            .map_err(|error| child::unavailable(name, format!("cannot write to it: {error}")))?;

        let shared = &self.shared;
        let deadline = micros(shared.epoch.elapsed().saturating_add(self.timeout)).min(EXPIRED - 1);
        shared.deadline.store(deadline, Ordering::SeqCst);
        let mut reply = Vec::new();
        let read = lock(&self.stdout)
            .by_ref()
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut reply);
        // The swap says the read is over, and whether the watchdog ended it. A line that came as
        // the child was being killed is not trusted: the process is gone anyway.
        if shared.deadline.swap(NO_READ, Ordering::SeqCst) == EXPIRED {
            return Err(CallError::TimedOut {
                component: name.clone(),
                waited: self.timeout,
            });
        }
        match read {
            Ok(0) => Err(child::unavailable(name, "it exited (its stdout closed)")),
            Ok(_) => child::from_line(name, &reply),
            Err(error) => Err(child::unavailable(name, format!("cannot read it: {error}"))),
        }
    }
}

/// The pipeline's `Processor`, answered by service1 through a [`WatchedProcess`].
pub struct WatchedProcessor(pub WatchedProcess);

/// The pipeline's `Transformer`, answered by service2 through a [`WatchedProcess`].
pub struct WatchedTransformer(pub WatchedProcess);

impl Processor for WatchedProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        child::processed(self.0.call(&Request::Process { value })?)
    }
}

impl Transformer for WatchedTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        child::transformed(self.0.call(&Request::Transform { value })?)
    }
}

/// Stops the watchdog, then kills and reaps the child, as the lesson's `Drop` does.
impl Drop for WatchedProcess {
    fn drop(&mut self) {
        let _ = self.stop_watchdog.send(());
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join();
        }
        let mut child = lock(&self.shared.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The watchdog's loop: every [`POLL`], if a read is past its deadline, kill the child.
fn watch(shared: &Shared, stop_requested: &mpsc::Receiver<()>) {
    loop {
        match stop_requested.recv_timeout(POLL) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        let deadline = shared.deadline.load(Ordering::SeqCst);
        if deadline >= EXPIRED || micros(shared.epoch.elapsed()) < deadline {
            continue;
        }
        // Only if the same read is still waiting: it may have ended since the load above.
        let still_waiting = shared
            .deadline
            .compare_exchange(deadline, EXPIRED, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if still_waiting {
            let _ = lock(&shared.child).kill();
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Nothing panics while holding these locks, so a poisoned one still holds a usable value.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
