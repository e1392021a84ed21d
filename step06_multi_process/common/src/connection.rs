//! The app side: one running service process and the pipes to it.
//!
//! [`ChildConnection`] starts a service binary with its stdin and stdout connected to us, writes
//! request lines, and reads reply lines *with a timeout*. Pipes have no timeout of their own: a
//! `read` on a child's stdout blocks until the child writes or exits, forever if it hangs. So a
//! reader thread does the blocking reads and passes each line through a channel, and the caller
//! waits on the channel with `recv_timeout`.
//!
//! Dropping a `ChildConnection` always stops and reaps its process, so no code path (an early
//! `?`, a failed test) can leave a service running or a zombie behind.

use std::io::{self, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::framing::{self, LineRead, MAX_LINE_BYTES};
use crate::wire::{Reply, Request};

/// How long a service gets to exit by itself once its stdin is closed, before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(2);

/// A running service process, spoken to over its stdin and stdout. Its stderr is shared with ours,
/// so its log lines show up in the same terminal.
pub struct ChildConnection {
    child: Child,
    /// `None` once closed: the service reads EOF and exits.
    stdin: Option<ChildStdin>,
    lines: Receiver<Incoming>,
    /// Set once the process has been waited for, so that `Drop` does not do it twice.
    reaped: Option<ExitStatus>,
}

/// What the reader thread passes on. The channel closing means the child closed its stdout.
enum Incoming {
    Line(Vec<u8>),
    TooLong,
    Failed(io::Error),
}

/// Why no reply line came.
#[derive(Debug)]
pub enum RecvError {
    /// Nothing within the timeout.
    TimedOut,
    /// The service closed its stdout: it exited or is exiting.
    Closed,
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
        let (sender, lines) = mpsc::channel();
        let reader = thread::Builder::new()
            .name(format!("stdout of pid {}", child.id()))
            .spawn(move || {
                let mut stdout = BufReader::new(stdout);
                let mut line = Vec::new();
                loop {
                    let incoming = match framing::read_line(&mut stdout, &mut line, MAX_LINE_BYTES)
                    {
                        Ok(LineRead::Line) => Incoming::Line(std::mem::take(&mut line)),
                        Ok(LineRead::TooLong) => Incoming::TooLong,
                        Ok(LineRead::Eof) => return,
                        Err(error) => Incoming::Failed(error),
                    };
                    let failed = matches!(incoming, Incoming::Failed(_));
                    // A send fails when the connection was dropped: nobody listens any more.
                    if sender.send(incoming).is_err() || failed {
                        return;
                    }
                }
            });
        if let Err(error) = reader {
            let _ = child.kill();
            let _ = child.wait();
            return Err(error);
        }
        Ok(Self {
            child,
            stdin: Some(stdin),
            lines,
            reaped: None,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one request line.
    pub fn send(&mut self, request: &Request) -> io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(stdin_closed)?;
        framing::write_message(stdin, request)
    }

    /// Writes raw bytes, newline included: how the tests send lines that are not requests.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(stdin_closed)?;
        stdin.write_all(bytes)?;
        stdin.flush()
    }

    /// Waits up to `timeout` for the next line from the service.
    pub fn recv_line(&mut self, timeout: Duration) -> Result<Vec<u8>, RecvError> {
        match self.lines.recv_timeout(timeout) {
            Ok(Incoming::Line(line)) => Ok(line),
            Ok(Incoming::TooLong) => Err(RecvError::TooLong),
            Ok(Incoming::Failed(error)) => Err(RecvError::Io(error)),
            Err(RecvTimeoutError::Timeout) => Err(RecvError::TimedOut),
            Err(RecvTimeoutError::Disconnected) => Err(RecvError::Closed),
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
        self.stdin = None;
    }

    /// Waits up to `timeout` for the process to exit, polling: std has no wait with a timeout.
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.reaped {
            return Ok(Some(status));
        }
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                self.reaped = Some(status);
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
        // `kill` fails if the process already exited; `wait` below still reaps it.
        let _ = self.child.kill();
        let status = self.child.wait()?;
        self.reaped = Some(status);
        Ok(status)
    }
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
