//! The processes a fault is thrown at: one started program whose `summary:` line is kept, the
//! processes it started (found by parent pid and name), signals, and the services that
//! `cargo xtask faults` runs outside the app and restarts when they exit, as a service manager
//! would.
//!
//! Signals and the process table go through the `kill` and `ps` commands, so this file has no
//! Unix-only code: on Windows those commands fail, and the scenarios that need them are skipped
//! before they get here.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::bench;

/// How often a running program is looked at.
pub const POLL: Duration = Duration::from_millis(20);

/// One line of the process table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub ppid: u32,
    /// The executable's file name (`service1`), without its directory.
    pub name: String,
}

/// Every process on the machine, from `ps` (Linux and macOS alike).
pub fn table() -> Vec<Proc> {
    let output = Command::new("ps")
        .args(["-A", "-o", "pid=,ppid=,comm="])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(output) => parse_table(&String::from_utf8_lossy(&output.stdout)),
        Err(_) => Vec::new(),
    }
}

fn parse_table(text: &str) -> Vec<Proc> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let pid = fields.next()?.parse().ok()?;
            let ppid = fields.next()?.parse().ok()?;
            let command: Vec<&str> = fields.collect();
            // macOS prints the whole path; Linux the name alone.
            let command = command.join(" ");
            let name = command.rsplit('/').next().unwrap_or_default().to_string();
            Some(Proc { pid, ppid, name })
        })
        .collect()
}

/// The processes below `root` in `table`: children, their children, and so on.
pub fn descendants(table: &[Proc], root: u32) -> Vec<Proc> {
    let mut found: Vec<Proc> = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for proc in table.iter().filter(|p| p.ppid == parent) {
            if !found.iter().any(|known| known.pid == proc.pid) {
                parents.push(proc.pid);
                found.push(proc.clone());
            }
        }
    }
    found
}

/// Sends `signal` (`KILL`, `TERM`, `STOP`, `CONT`) to `pid`.
pub fn signal(pid: u32, signal: &str) -> Result<(), String> {
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run `kill`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`kill -{signal} {pid}` failed: the process is gone"
        ))
    }
}

/// Whether the executable of process `pid` is still the file at its path. Linux only (it reads
/// `/proc`); elsewhere `None`.
pub fn runs_current_file(pid: u32) -> Option<bool> {
    let link = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    Some(!link.to_string_lossy().ends_with(" (deleted)"))
}

/// A started program: its `summary:` line is kept, its stderr goes to a file, and every process
/// it starts is remembered so none is left behind.
pub struct Running {
    child: Child,
    summary: Arc<Mutex<Option<String>>>,
    reader: Option<thread::JoinHandle<()>>,
    stderr_path: PathBuf,
    started: Instant,
    /// Processes seen below the program, to stop if they outlive it.
    seen: Vec<Proc>,
    /// Processes we stopped with `SIGSTOP` and have not continued yet.
    stopped: Vec<u32>,
}

/// How a run ended.
pub struct Ended {
    /// `None`: it ran past its time limit and was killed.
    pub status: Option<ExitStatus>,
    pub summary_line: Option<String>,
    /// Its last lines on stderr, on one line.
    pub stderr_tail: String,
}

impl Running {
    /// Starts `path` with `args` and `env`, outside Cargo's variables, stdout read line by line.
    pub fn start(
        path: &Path,
        args: &[String],
        env: &[(String, String)],
        cwd: &Path,
        stderr_path: PathBuf,
    ) -> Result<Running, String> {
        let stderr = File::create(&stderr_path)
            .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
        let mut command = bench::command_outside_cargo(path);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
        let summary = Arc::new(Mutex::new(None));
        let reader = child.stdout.take().map(|stdout| {
            let summary = Arc::clone(&summary);
            thread::spawn(move || {
                let mut reader = BufReader::new(stdout);
                let mut buffer = Vec::new();
                while let Ok(1..) = reader.read_until(b'\n', &mut buffer) {
                    let line = String::from_utf8_lossy(&buffer);
                    if line.starts_with("summary:") {
                        let line = line.trim_end().to_string();
                        if let Ok(mut kept) = summary.lock() {
                            *kept = Some(line);
                        }
                    }
                    buffer.clear();
                }
            })
        });
        Ok(Running {
            child,
            summary,
            reader,
            stderr_path,
            started: Instant::now(),
            seen: Vec::new(),
            stopped: Vec::new(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The processes below the program now, remembered for [`Running::finish`].
    pub fn look_below(&mut self) -> Vec<Proc> {
        let below = descendants(&table(), self.pid());
        for proc in &below {
            if !self.seen.contains(proc) {
                self.seen.push(proc.clone());
            }
        }
        below
    }

    /// Stops `pid` with `SIGSTOP`; [`Running::finish`] continues it if nothing else did.
    pub fn stop_process(&mut self, pid: u32) -> Result<(), String> {
        signal(pid, "STOP")?;
        self.stopped.push(pid);
        Ok(())
    }

    pub fn continue_process(&mut self, pid: u32) -> Result<(), String> {
        self.stopped.retain(|&stopped| stopped != pid);
        signal(pid, "CONT")
    }

    /// Waits for the program to exit until `deadline`, calling `tick` every [`POLL`] meanwhile;
    /// then kills it if it is still running, and every process it left behind.
    pub fn finish(mut self, deadline: Instant, mut tick: impl FnMut(&mut Running)) -> Ended {
        let mut last_look = Instant::now();
        let status = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break Some(status);
            }
            if Instant::now() >= deadline {
                break None;
            }
            tick(&mut self);
            if last_look.elapsed() >= Duration::from_millis(250) {
                self.look_below();
                last_look = Instant::now();
            }
            thread::sleep(POLL);
        };
        for pid in std::mem::take(&mut self.stopped) {
            let _ = signal(pid, "CONT");
        }
        if status.is_none() {
            self.look_below();
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The reader thread sees the end of stdout once the program and every process that
        // inherited its stdout are gone; give it a moment to hand over the last line.
        self.kill_leftovers();
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until && self.reader.as_ref().is_some_and(|r| !r.is_finished()) {
            thread::sleep(POLL);
        }
        let summary_line = self.summary.lock().ok().and_then(|s| s.clone());
        let stderr_tail = std::fs::read_to_string(&self.stderr_path)
            .map(|text| bench::last_lines(&text, 2))
            .unwrap_or_default();
        Ended {
            status,
            summary_line,
            stderr_tail,
        }
    }

    /// Kills every process seen below the program that is still there under the same name.
    fn kill_leftovers(&mut self) {
        let now = table();
        for proc in &self.seen {
            if now.iter().any(|p| p.pid == proc.pid && p.name == proc.name) {
                let _ = signal(proc.pid, "KILL");
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A service run outside the app, as a service manager runs one: started again from its file
/// whenever it exits, until it is retired.
pub struct Managed {
    pub name: &'static str,
    path: PathBuf,
    env: Vec<(String, String)>,
    log: PathBuf,
    child: Child,
    /// Whether it is started again when it exits.
    pub restart: bool,
    /// When it was last started.
    pub started: Instant,
    pub restarts: usize,
}

impl Managed {
    pub fn start(
        name: &'static str,
        path: &Path,
        env: Vec<(String, String)>,
        log: PathBuf,
    ) -> Result<Managed, String> {
        let child = spawn_service(path, &env, &log)?;
        Ok(Managed {
            name,
            path: path.to_path_buf(),
            env,
            log,
            child,
            restart: true,
            started: Instant::now(),
            restarts: 0,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts it again if it exited and should keep running; `true` if it did.
    pub fn restart_if_exited(&mut self) -> Result<bool, String> {
        if !self.restart || !matches!(self.child.try_wait(), Ok(Some(_))) {
            return Ok(false);
        }
        self.child = spawn_service(&self.path, &self.env, &self.log)?;
        self.started = Instant::now();
        self.restarts += 1;
        Ok(true)
    }
}

impl Drop for Managed {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_service(path: &Path, env: &[(String, String)], log: &Path) -> Result<Child, String> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    bench::command_outside_cargo(path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_process_table_is_read_on_linux_and_macos_alike() {
        let text = "    1     0 init\n  420     1 /usr/local/bin/service1\n  421   420 app\nbad\n";
        assert_eq!(
            parse_table(text),
            [
                Proc {
                    pid: 1,
                    ppid: 0,
                    name: "init".into()
                },
                Proc {
                    pid: 420,
                    ppid: 1,
                    name: "service1".into()
                },
                Proc {
                    pid: 421,
                    ppid: 420,
                    name: "app".into()
                },
            ]
        );
    }

    #[test]
    fn descendants_are_children_and_their_children_only() {
        let table = parse_table("1 0 init\n10 1 app\n11 10 service1\n12 11 helper\n13 1 other\n");
        let pids: Vec<u32> = descendants(&table, 10).iter().map(|p| p.pid).collect();
        assert_eq!(pids, [11, 12]);
    }
}
