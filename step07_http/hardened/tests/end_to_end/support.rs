//! Starting the app and the services for a test, with every wait bounded.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

#[path = "../../../app/tests/end_to_end/addresses.rs"]
mod addresses;
pub use addresses::{closed_url, nothing_listens_at, url_at_end};

/// Long enough for a loaded 2-core CI machine, short enough that a hang fails the test.
pub const LIMIT: Duration = Duration::from_secs(60);

/// A hardened service started by a test on a free port, killed when dropped.
pub struct ChildService {
    pub child: Child,
    pub url: String,
}

impl ChildService {
    /// Starts `name` (`service1`, `service2`) with `env`, its log going to `log`.
    pub fn start(name: &str, env: &[(&str, &str)], log: Stdio) -> Self {
        let binary = match name {
            "service1" => env!("CARGO_BIN_EXE_hardened-service1"),
            _ => env!("CARGO_BIN_EXE_hardened-service2"),
        };
        let mut child = Command::new(binary)
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let (_, url) = line.split_once(" listening on ").unwrap();
        let url = url.trim().to_string();
        Self { child, url }
    }

    /// Kills it and waits until it is gone.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ChildService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts one service on a free port, its log discarded, with the extra environment `env`.
pub fn start_service(name: &'static str, env: &[(&str, &str)]) -> ChildService {
    let mut env = env.to_vec();
    env.push(("RUST_LOG", "warn"));
    ChildService::start(name, &env, Stdio::null())
}

/// Starts one service on a free port, writing its log, one line per request, into `log`.
pub fn start_service_logging_to(name: &'static str, log: File) -> ChildService {
    ChildService::start(name, &[("RUST_LOG", "info")], Stdio::from(log))
}

/// Both services, started by the test (the three-terminal way), stopped when dropped.
pub struct TwoServices {
    pub service1: ChildService,
    pub service2: ChildService,
}

impl TwoServices {
    /// Starts both; `service1_env` is extra environment for service1 (such as `WORK_MS`).
    pub fn start(service1_env: &[(&str, &str)]) -> Self {
        Self {
            service1: start_service("service1", service1_env),
            service2: start_service("service2", &[]),
        }
    }

    /// The environment that points the app at them.
    pub fn env(&self) -> [(&'static str, &str); 2] {
        [
            ("SERVICE1_URL", &self.service1.url),
            ("SERVICE2_URL", &self.service2.url),
        ]
    }
}

/// What a finished app run printed.
#[derive(Debug)]
pub struct AppRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The app binary, running. Its stdout and stderr are read line by line on two threads, so a test
/// can wait for a line while the app runs. `Drop` kills it if the test ends first.
pub struct RunningApp {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    stdout_seen: Vec<String>,
}

impl RunningApp {
    /// Starts the app with `args`. `SERVICE1_URL`/`SERVICE2_URL` are removed from the inherited
    /// environment, then `env` is applied, so each test says exactly which URLs the app sees.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hardened"))
            .args(args)
            .env_remove("SERVICE1_URL")
            .env_remove("SERVICE2_URL")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = lines_of(child.stdout.take().unwrap());
        let stderr = lines_of(child.stderr.take().unwrap());
        Self {
            child,
            stdout,
            stderr,
            stdout_seen: Vec::new(),
        }
    }

    /// Waits for the first stdout line starting with `prefix` and returns it.
    pub fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    self.stdout_seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(error) => panic!(
                    "no line starting with {prefix:?} ({error:?}); saw {:?}",
                    self.stdout_seen
                ),
            }
        }
    }

    /// Waits for the app to exit, then for its stdout and stderr to close. Both close only when
    /// every process holding them is gone, and the services the app started share its stderr:
    /// so this also checks that no child outlived the app.
    pub fn finish(mut self) -> AppRun {
        let deadline = Instant::now() + LIMIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the app still runs after {LIMIT:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = std::mem::take(&mut self.stdout_seen);
        stdout.extend(drain(&self.stdout, "stdout"));
        let stderr = drain(&self.stderr, "stderr");
        AppRun {
            code: status.code(),
            stdout: stdout.join("\n"),
            stderr: stderr.join("\n"),
        }
    }

    /// Sends SIGTERM, as `kill` and `docker stop` do.
    #[cfg(unix)]
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        assert!(status.unwrap().success());
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the app to its end.
pub fn run_app(args: &[&str], env: &[(&str, &str)]) -> AppRun {
    RunningApp::start(args, env).finish()
}

fn lines_of(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

fn drain(lines: &Receiver<String>, which: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Disconnected) => return seen,
            Err(RecvTimeoutError::Timeout) => {
                panic!(
                    "the app's {which} is still open after it exited: a child process outlived it"
                )
            }
        }
    }
}

/// The last line of `text`.
pub fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}
