//! Running the real app, with its real service children, and always cleaning up after it.

use std::env::consts::EXE_SUFFIX;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// Far more than any run here needs; a test that reaches it has found a hang, and fails.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// The directory holding the app, both service binaries and the `faulty_service` fixture, built
/// if need be.
///
/// `cargo test` builds the service binaries already (their own tests need them); `cargo test -p
/// app` does not. Either way this asks the Cargo running the tests to build them, once per test
/// binary, with the app's own function: the same path `cargo run` takes.
pub fn service_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_BIN_EXE_app"))
            .parent()
            .expect("the app binary is in a directory")
            .to_path_buf();
        let (cargo, manifest_dir) =
            app::locate::started_by_cargo().expect("the tests run under Cargo");
        app::locate::build_services(&cargo, &manifest_dir, &dir).expect("the services build");
        let fixture = Command::new(&cargo)
            .args(["build", "-p", "faulty_service", "--manifest-path"])
            .arg(manifest_dir.join("Cargo.toml"))
            .status()
            .expect("cargo runs");
        assert!(fixture.success(), "the faulty_service fixture builds");
        dir
    })
}

/// A fresh, empty directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("the scratch directory can be created");
    dir
}

/// The app with `args`, looking for the services in [`service_dir`].
pub fn app(args: &[&str]) -> Command {
    app_in(service_dir(), args)
}

/// The app with `args`, with the `faulty_service` fixture in service1's place: the first work
/// request it receives, it misbehaves as `fault` says (`hang`, `crash` or `garbage`), and the
/// restarted one serves normally.
pub fn app_with_faulty_service1(test: &str, fault: &str, args: &[&str]) -> Command {
    let dir = scratch_dir(test);
    let copy = |from: &str, to: &str| {
        let name = |name: &str| format!("{name}{EXE_SUFFIX}");
        fs::copy(service_dir().join(name(from)), dir.join(name(to))).expect("the binary copies");
    };
    copy("faulty_service", "service1");
    copy("service2", "service2");
    fs::write(dir.join("fault"), fault).expect("the fault file can be written");
    app_in(&dir, args)
}

/// The app with `args`, looking for the services in `dir`.
pub fn app_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_app"));
    command
        .args(args)
        .arg("--service-dir")
        .arg(dir)
        .env_remove("SERVICE_DIR");
    command
}

/// A running app. Dropping it kills and reaps the app if it is still running, so a failing test
/// leaves nothing behind. (Its services then read EOF on their stdin and exit by themselves.)
pub struct RunningApp {
    child: Child,
    stderr_lines: Receiver<String>,
    stderr_seen: Vec<String>,
    stdout: Receiver<String>,
}

/// How a finished run went.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl RunningApp {
    pub fn start(mut command: Command) -> Self {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts");
        // Reader threads, so the pipes never fill up and block the app, and so every wait below
        // can have a deadline.
        let stderr = child.stderr.take().expect("stderr is piped");
        let (line_sender, stderr_lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if line_sender.send(line).is_err() {
                    return;
                }
            }
        });
        let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
        let (stdout_sender, stdout) = mpsc::channel();
        thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout_pipe.read_to_string(&mut text);
            let _ = stdout_sender.send(text);
        });
        Self {
            child,
            stderr_lines,
            stderr_seen: Vec::new(),
            stdout,
        }
    }

    /// Only the Unix-only Ctrl-C test needs it (it signals the app with `kill`).
    #[cfg(unix)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a stderr line containing `needle` and returns it.
    pub fn wait_for_stderr(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no stderr line containing {needle:?}; stderr so far:\n{}",
                    self.stderr_seen.join("\n")
                ),
            }
        }
    }

    /// Waits for the app to exit and collects everything it printed.
    pub fn finish(mut self) -> Finished {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the app can be waited for") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the app did not exit within {PATIENCE:?}"
            );
            thread::sleep(Duration::from_millis(20));
        };
        // The services share the app's stderr, so it closes only when the last of them has
        // exited: a stderr still open long after the app exited means a service outlived it.
        loop {
            match self.stderr_lines.recv_timeout(PATIENCE) {
                Ok(line) => self.stderr_seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "stderr still open {PATIENCE:?} after the app exited: a service outlived it"
                ),
            }
        }
        let stdout = self
            .stdout
            .recv_timeout(PATIENCE)
            .expect("the app's stdout closes");
        Finished {
            status,
            stdout,
            stderr: self.stderr_seen.join("\n"),
        }
    }
}

impl Drop for RunningApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the app to its end.
pub fn run(command: Command) -> Finished {
    RunningApp::start(command).finish()
}

/// The process id in a log line such as `[app] started service1 (pid 1234) from ...` or
/// `        [Service1 pid 1234] ready: ...`.
pub fn pid_in(line: &str) -> u32 {
    let after = line
        .split("pid ")
        .nth(1)
        .unwrap_or_else(|| panic!("no pid in {line:?}"));
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no pid in {line:?}"))
}

/// Whether the app logged that `service` exited by itself, with status 0, once its stdin closed.
pub fn stopped_cleanly(stderr: &str, service: &str) -> bool {
    // `ExitStatus` prints as "exit status: 0" on Unix and "exit code: 0" on Windows.
    let status = if cfg!(windows) {
        "exit code: 0"
    } else {
        "exit status: 0"
    };
    stderr.lines().any(|line| {
        line.starts_with(&format!("[app] {service} (pid "))
            && line.ends_with(&format!(") stopped: {status}"))
    })
}

/// Kills process `pid` the hard way, as a user or the OS out-of-memory killer might.
pub fn kill_process(pid: u32) {
    let status = if cfg!(windows) {
        Command::new("taskkill")
            .args(["/F", "/PID", &pid.to_string()])
            .stdout(Stdio::null())
            .status()
    } else {
        Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
    };
    assert!(
        status.expect("the kill command runs").success(),
        "could not kill {pid}"
    );
}

/// The `summary:` line's `key=value` fields, checking it is the last line of stdout.
pub fn summary_fields(stdout: &str) -> Vec<(String, String)> {
    let last = stdout.trim_end().lines().last().unwrap_or_default();
    let fields = last
        .strip_prefix("summary: ")
        .unwrap_or_else(|| panic!("stdout does not end with a summary line:\n{stdout}"));
    fields
        .split(' ')
        .map(|field| {
            let (key, value) = field
                .split_once('=')
                .unwrap_or_else(|| panic!("{field:?} is not key=value"));
            (key.to_string(), value.to_string())
        })
        .collect()
}

/// The value of `key` in the summary line.
pub fn summary_value(stdout: &str, key: &str) -> String {
    summary_fields(stdout)
        .into_iter()
        .find(|(found, _)| found == key)
        .map(|(_, value)| value)
        .unwrap_or_else(|| panic!("no {key}= in the summary line:\n{stdout}"))
}
