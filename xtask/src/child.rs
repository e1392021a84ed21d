//! Runs a command with a time limit while streaming its standard output line by line, so the
//! reader watches a step run and we can still check what it printed.

use std::io::{self, BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How often we look at the child while no output arrives.
const POLL: Duration = Duration::from_millis(100);
/// After the child exits, how long a grandchild that inherited its stdout may keep the pipe open
/// before we stop waiting for more lines.
const DRAIN: Duration = Duration::from_secs(2);
/// How long a child asked to stop (Unix `SIGTERM`) may take to clean up before it is killed.
const GRACE: Duration = Duration::from_secs(10);

pub struct Finished {
    /// `None` when the time limit ran out and the child was stopped.
    pub status: Option<ExitStatus>,
    pub stdout_lines: Vec<String>,
}

/// Runs `command` with stdin closed and stdout piped; stderr goes where ours goes. Each stdout
/// line is passed to `on_line` as it arrives and kept in the result.
pub fn run_streaming(
    command: Command,
    limit: Duration,
    mut on_line: impl FnMut(&str),
) -> io::Result<Finished> {
    let mut stdout_lines = Vec::new();
    let status = run_line_by_line(command, limit, |line| {
        on_line(&line);
        stdout_lines.push(line);
    })?;
    Ok(Finished {
        status,
        stdout_lines,
    })
}

/// Like [`run_streaming`], but hands each line over instead of keeping them all: a benchmark
/// prints hundreds of thousands of lines and only its last one matters. Returns `None` when the
/// time limit ran out and the child was stopped.
pub fn run_line_by_line(
    mut command: Command,
    limit: Duration,
    mut on_line: impl FnMut(String),
) -> io::Result<Option<ExitStatus>> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("the child's stdout was not piped"))?;

    // A reader thread, because std has no way to wait for "a line or a timeout" on a pipe.
    let (lines_tx, lines_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    // Lossy: a program printing invalid UTF-8 must not stop us reading (a full
                    // pipe would then block it forever).
                    let line = String::from_utf8_lossy(&buffer);
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    if lines_tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });

    let deadline = Instant::now() + limit;
    let status = loop {
        // While lines flow, only the clock is checked: a child that never stops printing must
        // still meet its time limit.
        let quiet = match lines_rx.recv_timeout(POLL) {
            Ok(line) => {
                on_line(line);
                false
            }
            Err(RecvTimeoutError::Timeout) => true,
            // The pipe closed: the child is about to exit; keep polling without spinning.
            Err(RecvTimeoutError::Disconnected) => {
                thread::sleep(POLL);
                true
            }
        };
        if quiet && let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            stop(&mut child)?;
            break None;
        }
    };

    let drain_until = Instant::now() + DRAIN;
    while let Some(left) = drain_until.checked_duration_since(Instant::now()) {
        match lines_rx.recv_timeout(left) {
            Ok(line) => on_line(line),
            Err(_) => break,
        }
    }
    Ok(status)
}

/// Asks the child to stop so it can shut its own children down (Unix: `SIGTERM`), then kills it
/// if it has not exited within [`GRACE`]. Windows has no such request: the child is killed.
fn stop(child: &mut Child) -> io::Result<()> {
    if cfg!(unix) {
        let asked = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        if asked {
            let give_up = Instant::now() + GRACE;
            while Instant::now() < give_up {
                if child.try_wait()?.is_some() {
                    return Ok(());
                }
                thread::sleep(POLL);
            }
        }
    }
    // `kill` fails only if the child already exited, which is what we want anyway.
    let _ = child.kill();
    child.wait().map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command that prints two lines then exits, on every OS.
    fn two_lines() -> Command {
        if cfg!(windows) {
            let mut command = Command::new("cmd");
            command.args(["/C", "echo first& echo second"]);
            command
        } else {
            let mut command = Command::new("sh");
            command.args(["-c", "echo first; echo second"]);
            command
        }
    }

    #[test]
    fn every_stdout_line_is_streamed_and_kept_in_order() {
        let mut streamed = Vec::new();
        let finished = run_streaming(two_lines(), Duration::from_secs(30), |line| {
            streamed.push(line.trim_end().to_string())
        })
        .unwrap();
        assert!(finished.status.is_some_and(|status| status.success()));
        assert_eq!(streamed, ["first", "second"]);
        let kept: Vec<_> = finished.stdout_lines.iter().map(|l| l.trim_end()).collect();
        assert_eq!(kept, ["first", "second"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_child_past_its_time_limit_is_stopped_and_reported_as_timed_out() {
        let mut sleeper = Command::new("sleep");
        sleeper.arg("30");
        let started = Instant::now();
        let finished = run_streaming(sleeper, Duration::from_millis(300), |_| {}).unwrap();
        assert!(finished.status.is_none(), "a timed-out child has no status");
        // `sleep` dies on SIGTERM at once; 30 s would mean we waited for it to finish.
        assert!(started.elapsed() < Duration::from_secs(25));
    }
}
