//! Running a built program (the app, or the hardened app) with real child processes, in a
//! directory of its own, and making sure nothing it started outlives it.
//!
//! Each test gets a fresh directory holding the program and the services it will start: the real
//! ones, or `fixtures/faulty_service` in service1's place with a `fault` file beside it. The
//! program finds them next to itself, as it does after `cargo build`. Every wait is bounded
//! ([`PATIENCE`]), and a program a failing test leaves running is killed. No test asserts on
//! timing.

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

/// Cargo's output directory (`target/debug`), with both services and the faulty fixture built.
/// `cargo test` builds the program under test, not the programs it starts.
pub fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // This test runs as target/debug/deps/<name>-<hash>.
        let exe = std::env::current_exe().expect("the test knows its path");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>");
        let mut build = Command::new(env!("CARGO"));
        build
            .args(["build", "-q", "-p", "service1", "-p", "service2"])
            .args(["-p", "faulty_service", "--manifest-path"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
        if dir.ends_with("release") {
            build.arg("--release");
        }
        assert!(
            build.status().expect("cargo runs").success(),
            "the services build"
        );
        dir.to_path_buf()
    })
}

/// A fresh directory for one test, holding `program` (`app` or `hardened`), `service1` (or the
/// binary named `as_service1` under that name, if any) and `service2`.
pub fn directory(test: &str, program: &str, as_service1: Option<&str>) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{test}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("the test directory can be created");
    place(&dir, program, program);
    if let Some(binary) = as_service1 {
        place(&dir, binary, "service1");
    }
    place(&dir, "service2", "service2");
    dir
}

/// Puts the built `binary` in `dir` as `name`. A hard link, not a copy: on Linux, a copy still
/// open for writing when another test thread starts a process cannot be run ("text file busy").
fn place(dir: &Path, binary: &str, name: &str) {
    let from = built().join(format!("{binary}{EXE_SUFFIX}"));
    let to = dir.join(format!("{name}{EXE_SUFFIX}"));
    if fs::hard_link(&from, &to).is_err() {
        fs::copy(&from, &to).expect("the binary can be copied");
    }
}

/// `program` in `dir`, with `args`, started as a reader starts a built program: not by Cargo,
/// whose variables would make the app build the services into `target/` first.
pub fn command(dir: &Path, program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(dir.join(format!("{program}{EXE_SUFFIX}")));
    command
        .args(args)
        .env_remove("CARGO")
        .env_remove("CARGO_MANIFEST_DIR");
    command
}

/// A running program. Dropping it kills it (and on Unix its whole process group) if it is still
/// running, so a failing test leaves nothing behind.
pub struct Running {
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

impl Running {
    /// Starts `command`; on Unix in a process group of its own, which its children join, as a
    /// shell does for every command it runs.
    pub fn start(mut command: Command) -> Self {
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the program starts");
        // Reader threads, so the pipes never fill up and block the program, and so every wait
        // below has a deadline.
        let stderr = child.stderr.take().expect("stderr is piped");
        let (line_sender, stderr_lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
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

    #[allow(dead_code)] // only the app's Unix signal test uses it
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the program alone (`SIGKILL` on Unix), not the processes it started.
    #[allow(dead_code)] // only the app's tests use it
    pub fn kill_only_the_program(&mut self) {
        self.child.kill().expect("the program can be killed");
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

    /// Waits for the program to exit, then for every process it started to exit too, and
    /// collects what it printed.
    pub fn finish(mut self) -> Finished {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("the program can be waited for")
            {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {PATIENCE:?}"
            );
            thread::sleep(Duration::from_millis(20));
        };
        // The children share the program's stderr, so it closes only when the last of them has
        // exited: a stderr still open long after the program exited means a child outlived it.
        loop {
            match self.stderr_lines.recv_timeout(PATIENCE) {
                Ok(line) => self.stderr_seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("stderr still open {PATIENCE:?} after the exit: a child outlived it")
                }
            }
        }
        let stdout = self.stdout.recv_timeout(PATIENCE).expect("stdout closes");
        Finished {
            status,
            stdout,
            stderr: self.stderr_seen.join("\n"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `command` to its end.
pub fn run(command: Command) -> Finished {
    Running::start(command).finish()
}

/// The run failed well: exit status 1, and one line on stderr saying why, `error: ...`, last,
/// containing `why`. No panic.
pub fn assert_failed_with(run: &Finished, why: &str) {
    assert_eq!(run.status.code(), Some(1), "{run:#?}");
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error"))
        .collect();
    assert_eq!(errors.len(), 1, "{run:#?}");
    assert_eq!(run.stderr.lines().last(), Some(errors[0]), "{run:#?}");
    assert!(
        errors[0].contains(why),
        "{:?} does not say {why:?}",
        errors[0]
    );
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}
