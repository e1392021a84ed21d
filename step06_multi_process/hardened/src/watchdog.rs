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
//! Like the lesson's `ServiceProcess`, it implements the pipeline's `Processor` and `Transformer`.
//! Spawning is the lesson's (`app::child::start_program`); turning a reply line into the
//! pipeline's result is the lesson's too (`app::reply`); a request line is `common`'s. What it
//! adds: [`MAX_LINE_BYTES`], a bound on the memory a child's line can take.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use app::child::start_program;
use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use app::reply::{self, unavailable};
use common::Request;

/// The longest line read: a child that writes without end cannot fill the app's memory. (The
/// lesson reads whole lines: its children are its own.)
pub const MAX_LINE_BYTES: u64 = 64 * 1024;

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
    /// Like the lesson's `ServiceProcess::start`: starts service `name` from `dir`, with its
    /// watchdog. A program that is not the service is found out at its first call.
    pub fn start(dir: &Path, name: &str, timeout: Duration) -> Result<Self, CallError> {
        let mut started = start_program(dir, name)?;
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
                return Err(unavailable(name, format!("no watchdog: {error}")));
            }
        };
        Ok(WatchedProcess {
            name: name.to_string(),
            shared,
            stdin,
            stdout: Mutex::new(BufReader::new(stdout)),
            timeout,
            stop_watchdog,
            watchdog: Some(watchdog),
        })
    }
}

impl WatchedProcess {
    /// Writes `request` as one line, and reads the reply line, or kills the child past the timeout.
    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        let name = &self.name;
        (&self.stdin)
            .write_all(common::to_line(request).as_bytes())
            .map_err(|error| unavailable(name, format!("cannot write to it: {error}")))?;

        let shared = &self.shared;
        let deadline = micros(shared.epoch.elapsed().saturating_add(self.timeout)).min(EXPIRED - 1);
        shared.deadline.store(deadline, Ordering::SeqCst);
        let mut reply = Vec::new();
        let read = read_line(&mut *lock(&self.stdout), &mut reply);
        // The swap says the read is over, and whether the watchdog ended it. A line that came as
        // the child was being killed is not trusted: the process is gone anyway.
        if shared.deadline.swap(NO_READ, Ordering::SeqCst) == EXPIRED {
            return Err(CallError::TimedOut {
                component: name.clone(),
                waited: self.timeout,
            });
        }
        match read {
            Ok(0) => Err(unavailable(name, "it exited".to_string())),
            Ok(_) => Ok(reply),
            Err(error) => Err(unavailable(name, format!("cannot read it: {error}"))),
        }
    }
}

/// The pipeline's traits over a [`WatchedProcess`], as the lesson's are over a `ServiceProcess`.
impl Processor for WatchedProcess {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        reply::processed(&self.name, &self.call(&Request::Process { value })?)
    }
}

impl Transformer for WatchedProcess {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        reply::transformed(&self.name, &self.call(&Request::Transform { value })?)
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

/// Reads one line into `line`, without its newline, and at most [`MAX_LINE_BYTES`] of it: a longer
/// line is cut there, and is not a reply. `Ok(0)`: the pipe closed.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    let read = reader.take(MAX_LINE_BYTES).read_until(b'\n', line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok(read)
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// Nothing panics while holding these locks, so a poisoned one still holds a usable value.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_up_to_max_line_bytes_and_no_further() {
        let long = vec![b'x'; 100_000];
        let mut pipe = &long[..];
        let mut line = Vec::new();
        assert_eq!(
            read_line(&mut pipe, &mut line).unwrap() as u64,
            MAX_LINE_BYTES
        );
        assert_eq!(line.len() as u64, MAX_LINE_BYTES);
    }

    #[test]
    fn a_line_is_read_without_its_newline_and_the_next_one_stays_in_the_pipe() {
        let mut pipe = &b"first\nsecond\n"[..];
        let mut line = Vec::new();
        assert_eq!(read_line(&mut pipe, &mut line).unwrap(), 6);
        assert_eq!(line, b"first");
        assert_eq!(pipe, b"second\n");
    }
}
