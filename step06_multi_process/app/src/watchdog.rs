//! A service that does not answer in time is killed: that is what ends the read waiting for it.
//!
//! [`WatchedChild`] is what `child.rs` holds instead of a plain `Child`: the child and its stdin
//! behind locks (`Arc<Mutex<..>>`), so that this module's thread can kill the child, or close its
//! stdin, while the app's own thread is blocked reading the child's stdout.
//!
//! A read from a pipe has no timeout. It returns when a line arrives or when the other end of the
//! pipe closes, and a blocked read cannot be cancelled. So a watchdog thread, one per service,
//! looks every 50 ms at the read in progress: past its deadline, it kills the service, whose
//! stdout then closes, and the read returns. On Ctrl-C it closes the service's stdin instead, the
//! clean stop (the service exits by itself), and kills it only if it is still there
//! [`STOP_GRACE`] later.
//!
//! The reply itself goes straight from the pipe to the thread that waits for it; the watchdog
//! costs a read two atomic operations. The obvious design, a reader thread passing each line
//! through a channel to a `recv_timeout`, woke a second thread for every reply, and cost more than
//! everything else in this step (see "Going further" in the README).

use std::io;
use std::process::{Child, ChildStdin, ExitStatus};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::Request;
use common::framing;

use crate::child::STOP_GRACE;
use crate::interrupt;
use crate::supervisor::Failure;

/// How often the watchdog looks: how late a timeout or a Ctrl-C can be noticed.
const POLL: Duration = Duration::from_millis(50);

/// `deadline` when no read waits, and once the watchdog has killed the service for one.
const NO_READ: u64 = u64::MAX;
const EXPIRED: u64 = u64::MAX - 1;

/// How `ServiceProcess::stop` ended the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It exited by itself once its stdin closed.
    Exited(ExitStatus),
    /// It was still running after [`STOP_GRACE`] and was killed.
    Killed(ExitStatus),
}

/// A child process, its stdin, and the watchdog thread that watches it. Dropping it stops the
/// thread.
pub struct WatchedChild {
    shared: Arc<Shared>,
    stop: Sender<()>,
    thread: Option<JoinHandle<()>>,
    pid: u32,
    exited: Option<ExitStatus>,
}

/// What both the caller's thread and the watchdog touch.
struct Shared {
    child: Mutex<Child>,
    /// `None` once closed: the service reads EOF and exits.
    stdin: Mutex<Option<ChildStdin>>,
    /// When the read in progress must end, in microseconds since `epoch`; [`NO_READ`] or
    /// [`EXPIRED`].
    deadline: AtomicU64,
    epoch: Instant,
    /// Set when the watchdog closed stdin because of Ctrl-C.
    interrupted: AtomicBool,
}

impl WatchedChild {
    /// Takes over `child` (its stdin piped, its stdout already taken) and starts its watchdog.
    pub fn start(mut child: Child) -> io::Result<Self> {
        let pid = child.id();
        let stdin = child.stdin.take().expect("stdin is piped");
        let shared = Arc::new(Shared {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            deadline: AtomicU64::new(NO_READ),
            epoch: Instant::now(),
            interrupted: AtomicBool::new(false),
        });
        let (stop, stop_requested) = mpsc::channel();
        let watched = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name("watchdog".into())
            .spawn(move || watch(&watched, &stop_requested));
        let thread = match thread {
            Ok(thread) => thread,
            Err(error) => {
                // No watchdog, no service: it must not be left running.
                let mut child = lock(&shared.child);
                let _ = child.kill();
                let _ = child.wait();
                return Err(error);
            }
        };
        Ok(Self {
            shared,
            stop,
            thread: Some(thread),
            pid,
            exited: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Writes `request` as one JSON line into the child's stdin.
    pub fn send(&self, request: &Request) -> Result<(), Failure> {
        match lock(&self.shared.stdin).as_mut() {
            Some(stdin) => framing::write_message(stdin, request).map_err(Failure::Write),
            None => Err(Failure::Closed),
        }
    }

    /// Runs `read`, a blocking read from the child, and ends it by killing the child if it waits
    /// longer than `timeout` ([`Failure::TimedOut`]).
    pub fn read_within<T>(
        &self,
        timeout: Duration,
        read: impl FnOnce() -> T,
    ) -> Result<T, Failure> {
        let shared = &self.shared;
        let deadline = micros(shared.epoch.elapsed().saturating_add(timeout)).min(EXPIRED - 1);
        shared.deadline.store(deadline, Ordering::SeqCst);
        let outcome = read();
        // The swap says the read is over, and whether the watchdog ended it. A line that arrived
        // as the service was being killed is not trusted: the process is gone anyway.
        let expired = shared.deadline.swap(NO_READ, Ordering::SeqCst) == EXPIRED;
        if shared.interrupted.load(Ordering::SeqCst) {
            // A service stopped because of Ctrl-C did nothing wrong.
            Err(Failure::Interrupted)
        } else if expired {
            Err(Failure::TimedOut(timeout))
        } else {
            Ok(outcome)
        }
    }

    /// Closes the child's stdin (it then reads EOF), and waits for it to exit; one still running
    /// `grace` later is killed.
    pub fn close_and_wait(&mut self, grace: Duration) -> io::Result<Stopped> {
        lock(&self.shared.stdin).take(); // dropping our end of the pipe closes it
        let deadline = Instant::now() + grace;
        while self.exited.is_none() && Instant::now() < deadline {
            self.exited = lock(&self.shared.child).try_wait()?;
            thread::sleep(Duration::from_millis(1));
        }
        match self.exited {
            Some(status) => Ok(Stopped::Exited(status)),
            None => self.kill().map(Stopped::Killed),
        }
    }

    /// Kills the child at once and waits for it (reaps it).
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.exited {
            return Ok(status);
        }
        let mut child = lock(&self.shared.child);
        // `kill` fails if the process already exited; `wait` still reaps it.
        let _ = child.kill();
        let status = child.wait()?;
        self.exited = Some(status);
        Ok(status)
    }
}

impl Drop for WatchedChild {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The watchdog's loop: every [`POLL`], if a read is waiting, end it when its deadline has passed
/// (kill the service) or on Ctrl-C (close its stdin; kill it if still there [`STOP_GRACE`] later).
fn watch(state: &Shared, stop_requested: &mpsc::Receiver<()>) {
    let mut stdin_closed_at: Option<Instant> = None;
    loop {
        match stop_requested.recv_timeout(POLL) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        let deadline = state.deadline.load(Ordering::SeqCst);
        if deadline == NO_READ || deadline == EXPIRED {
            continue;
        }
        let overdue = micros(state.epoch.elapsed()) >= deadline;
        let grace_over = stdin_closed_at.is_some_and(|at| at.elapsed() >= STOP_GRACE);
        if overdue || grace_over {
            // Only if the same read is still waiting: it may have ended since the load above.
            let still_waiting = state
                .deadline
                .compare_exchange(deadline, EXPIRED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if still_waiting {
                let _ = lock(&state.child).kill();
            }
        } else if stdin_closed_at.is_none() && interrupt::requested() {
            state.interrupted.store(true, Ordering::SeqCst);
            lock(&state.stdin).take();
            stdin_closed_at = Some(Instant::now());
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
