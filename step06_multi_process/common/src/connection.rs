//! The app side: one running service process and the pipes to it.
//!
//! [`ChildConnection`] starts a service binary with its stdin and stdout connected to us, writes
//! request lines, and reads reply lines *with a timeout*. Pipes have no timeout of their own: a
//! `read` on a child's stdout blocks until the child writes or exits, forever if it hangs. Nor can
//! a blocked read be cancelled; it can only be *ended*, by the line arriving or by the other end
//! of the pipe closing.
//!
//! So the caller's thread reads the reply itself, and a watchdog thread, one per child, ends the
//! read if it waits too long: it kills the child, which closes the child's stdout, and the read
//! returns. On Ctrl-C it closes the child's stdin instead, the clean stop: a service exits on EOF,
//! which ends the read too. The watchdog looks at the clock every 50 ms; the reply itself goes
//! straight from the pipe to the thread that waits for it.
//!
//! The obvious design is a reader thread that does the blocking reads and passes each line through
//! a channel, the caller waiting with `recv_timeout`. This step used it first. Measured against
//! bare pipes (`pipe_floor` in `bench/floors/`), it cost more than everything else the step does:
//! every reply had to wake a second sleeping thread, often on the other CPU. The watchdog costs
//! the read two atomic stores.
//!
//! Dropping a `ChildConnection` always stops and reaps its process, so no code path (an early
//! `?`, a failed test) can leave a service running or a zombie behind.

use std::io::{self, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::framing::{self, LineRead, MAX_LINE_BYTES};
use crate::wire::{Reply, Request};

/// How long a service gets to exit by itself once its stdin is closed, before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// How often the watchdog looks at a waiting read: how late a timeout or a Ctrl-C can be noticed.
pub const WATCHDOG_POLL: Duration = Duration::from_millis(50);

/// A running service process, spoken to over its stdin and stdout. Its stderr is shared with ours,
/// so its log lines show up in the same terminal.
pub struct ChildConnection {
    pid: u32,
    /// What the watchdog needs too: the process (to kill it) and its stdin (to close it).
    shared: Arc<Shared>,
    stdout: BufReader<ChildStdout>,
    line: Vec<u8>,
    /// `None` once stopped.
    watchdog: Option<Watchdog>,
    /// Set once the process has been waited for, so that `Drop` does not do it twice.
    reaped: Option<ExitStatus>,
}

/// The state the caller's thread and the watchdog share.
struct Shared {
    child: Mutex<Child>,
    /// `None` once closed: the service reads EOF and exits.
    stdin: Mutex<Option<ChildStdin>>,
    /// When the read in progress must end, in microseconds since `epoch`; [`NO_READ`] when no read
    /// waits, [`EXPIRED`] once the watchdog has killed the child for it.
    read_deadline: AtomicU64,
    epoch: Instant,
    /// Set when the watchdog closed stdin because of Ctrl-C.
    interrupted: AtomicBool,
}

const NO_READ: u64 = u64::MAX;
const EXPIRED: u64 = u64::MAX - 1;

/// The watchdog thread, and the channel that tells it to stop.
struct Watchdog {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

/// Why no reply line came.
#[derive(Debug)]
pub enum RecvError {
    /// Nothing within the timeout. The process was killed: that is what ended the read.
    TimedOut,
    /// The service closed its stdout: it exited or is exiting.
    Closed,
    /// Ctrl-C arrived while waiting; the service's stdin was closed, and it is exiting.
    Interrupted,
    /// The service wrote a line longer than [`MAX_LINE_BYTES`].
    TooLong,
    /// Reading the pipe failed.
    Io(io::Error),
}

/// Why a line could not be read as a reply.
#[derive(Debug)]
pub enum ReplyError {
    Recv(RecvError),
    /// The line was not a reply; `line` holds its start, for the error message.
    Garbage {
        line: String,
        cause: String,
    },
}

impl ChildConnection {
    /// Starts `program` with `args`, stdin and stdout piped, stderr inherited.
    pub fn spawn(program: &Path, args: &[&str]) -> io::Result<Self> {
        Self::spawn_interruptible(program, args, || false)
    }

    /// Like [`ChildConnection::spawn`], and a read that is waiting also ends soon after
    /// `interrupted()` turns true (the app passes its Ctrl-C flag): it then returns
    /// [`RecvError::Interrupted`].
    pub fn spawn_interruptible(
        program: &Path,
        args: &[&str],
        interrupted: fn() -> bool,
    ) -> io::Result<Self> {
        let mut command = Command::new(program);
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        own_process_group(&mut command);
        let mut child = command.spawn()?;

        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            // Cannot happen with `Stdio::piped()`, but if it did, the child must not be left behind.
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the child's pipes were not created"));
        };
        let pid = child.id();
        let shared = Arc::new(Shared {
            child: Mutex::new(child),
            stdin: Mutex::new(Some(stdin)),
            read_deadline: AtomicU64::new(NO_READ),
            epoch: Instant::now(),
            interrupted: AtomicBool::new(false),
        });
        let (stop, stop_requested) = mpsc::channel();
        let watched = Arc::clone(&shared);
        let thread = thread::Builder::new()
            .name(format!("watchdog of pid {pid}"))
            .spawn(move || watch(&watched, &stop_requested, interrupted));
        let thread = match thread {
            Ok(thread) => thread,
            Err(error) => {
                let mut child = lock(&shared.child);
                let _ = child.kill();
                let _ = child.wait();
                return Err(error);
            }
        };
        Ok(Self {
            pid,
            shared,
            stdout: BufReader::new(stdout),
            line: Vec::with_capacity(256),
            watchdog: Some(Watchdog { stop, thread }),
            reaped: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Writes one request line.
    pub fn send(&mut self, request: &Request) -> io::Result<()> {
        let mut stdin = lock(&self.shared.stdin);
        framing::write_message(stdin.as_mut().ok_or_else(stdin_closed)?, request)
    }

    /// Writes raw bytes, newline included: how the tests send lines that are not requests.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut stdin = lock(&self.shared.stdin);
        let stdin = stdin.as_mut().ok_or_else(stdin_closed)?;
        stdin.write_all(bytes)?;
        stdin.flush()
    }

    /// Waits up to `timeout` for the next line from the service.
    ///
    /// After [`RecvError::TimedOut`] the process is dead: killing it was the only way to end the
    /// read. Any other outcome leaves it as it was.
    pub fn recv_line(&mut self, timeout: Duration) -> Result<Vec<u8>, RecvError> {
        let deadline = micros(self.shared.epoch.elapsed().saturating_add(timeout));
        // Tells the watchdog a read is waiting, and until when.
        self.shared
            .read_deadline
            .store(deadline.min(EXPIRED - 1), Ordering::SeqCst);
        let read = framing::read_line(&mut self.stdout, &mut self.line, MAX_LINE_BYTES);
        // The swap tells the watchdog the read is over, and says whether it expired first. A line
        // that arrived as the child was being killed is not trusted: the process is gone anyway.
        let expired = self.shared.read_deadline.swap(NO_READ, Ordering::SeqCst) == EXPIRED;
        let outcome = match read {
            _ if expired => Err(RecvError::TimedOut),
            Ok(LineRead::Line) => Ok(self.line.clone()),
            Ok(LineRead::TooLong) => Err(RecvError::TooLong),
            Ok(LineRead::Eof) => Err(RecvError::Closed),
            Err(error) => Err(RecvError::Io(error)),
        };
        match outcome {
            // A service stopped because of Ctrl-C (even one killed after the grace period) did
            // nothing wrong: the failure is reported as the interruption it is.
            Err(_) if self.shared.interrupted.load(Ordering::SeqCst) => Err(RecvError::Interrupted),
            outcome => outcome,
        }
    }

    /// Waits up to `timeout` for the next line and reads it as a [`Reply`].
    pub fn recv_reply(&mut self, timeout: Duration) -> Result<Reply, ReplyError> {
        let line = self.recv_line(timeout).map_err(ReplyError::Recv)?;
        serde_json::from_slice(&line).map_err(|cause| ReplyError::Garbage {
            line: String::from_utf8_lossy(&line).chars().take(80).collect(),
            cause: cause.to_string(),
        })
    }

    /// Closes the service's stdin: a service reads EOF and exits by itself.
    pub fn close_stdin(&mut self) {
        lock(&self.shared.stdin).take();
    }

    /// Waits up to `timeout` for the process to exit, polling: std has no wait with a timeout.
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.reaped {
            return Ok(Some(status));
        }
        let deadline = Instant::now() + timeout;
        loop {
            // The lock is released before `reaped`, which waits for the watchdog, which may be
            // waiting for this lock.
            let exited = lock(&self.shared.child).try_wait()?;
            if let Some(status) = exited {
                self.reaped(status);
                return Ok(Some(status));
            }
            if Instant::now() >= deadline {
                return Ok(None);
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops the service the clean way (close its stdin, let it exit within `grace`), or kills it
    /// if it does not. Either way the process is waited for (reaped), and its status returned.
    pub fn stop(&mut self, grace: Duration) -> io::Result<Stopped> {
        self.close_stdin();
        if let Some(status) = self.wait_timeout(grace)? {
            return Ok(Stopped::Exited(status));
        }
        self.kill().map(Stopped::Killed)
    }

    /// Kills the process at once and reaps it.
    pub fn kill(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.reaped {
            return Ok(status);
        }
        self.close_stdin();
        let status = {
            let mut child = lock(&self.shared.child);
            // `kill` fails if the process already exited; `wait` below still reaps it.
            let _ = child.kill();
            child.wait()?
        };
        self.reaped(status);
        Ok(status)
    }

    /// Records the exit status; with the process gone, the watchdog has nothing left to watch.
    fn reaped(&mut self, status: ExitStatus) {
        self.reaped = Some(status);
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.stop.send(());
            let _ = watchdog.thread.join();
        }
    }
}

/// The watchdog's loop: every [`WATCHDOG_POLL`], if a read is waiting, end it when its deadline
/// has passed (kill the child) or when `interrupted()` (close the child's stdin, and kill it if it
/// has not exited [`STOP_GRACE`] later). Returns when told to stop.
fn watch(shared: &Shared, stop_requested: &mpsc::Receiver<()>, interrupted: fn() -> bool) {
    let mut stdin_closed_at: Option<Instant> = None;
    loop {
        match stop_requested.recv_timeout(WATCHDOG_POLL) {
            Err(RecvTimeoutError::Timeout) => {}
            // Told to stop, or the connection is gone.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        let deadline = shared.read_deadline.load(Ordering::SeqCst);
        if deadline == NO_READ || deadline == EXPIRED {
            continue;
        }
        let overdue = micros(shared.epoch.elapsed()) >= deadline;
        let grace_over = stdin_closed_at.is_some_and(|at| at.elapsed() >= STOP_GRACE);
        if overdue || grace_over {
            // Only if the same read is still waiting: it may have ended since the load above.
            let still_waiting = shared
                .read_deadline
                .compare_exchange(deadline, EXPIRED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok();
            if still_waiting {
                let _ = lock(&shared.child).kill();
            }
        } else if stdin_closed_at.is_none() && interrupted() {
            shared.interrupted.store(true, Ordering::SeqCst);
            lock(&shared.stdin).take();
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

/// How [`ChildConnection::stop`] ended the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// It exited by itself once its stdin closed.
    Exited(ExitStatus),
    /// It was still running after the grace period and was killed.
    Killed(ExitStatus),
}

impl Drop for ChildConnection {
    fn drop(&mut self) {
        if self.reaped.is_none() {
            let _ = self.stop(STOP_GRACE);
        }
        // If even the reaping failed, the watchdog must still not outlive its connection.
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.stop.send(());
            let _ = watchdog.thread.join();
        }
    }
}

fn stdin_closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "stdin of the service is closed")
}

/// Puts the child in a process group of its own, so a Ctrl-C in the terminal reaches only the app
/// (the foreground group), and the app alone decides when its children stop. Without this, the
/// terminal would interrupt the services at the same moment as the app, and the app would see them
/// die before it had a chance to stop them in order.
#[cfg(unix)]
fn own_process_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// Windows: a new process group does not receive the console's Ctrl-C.
#[cfg(windows)]
fn own_process_group(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // From the Windows API (`winbase.h`), written out to avoid a dependency for one constant.
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    command.creation_flags(CREATE_NEW_PROCESS_GROUP);
}

#[cfg(not(any(unix, windows)))]
fn own_process_group(_command: &mut Command) {}
