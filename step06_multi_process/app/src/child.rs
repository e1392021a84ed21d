//! A service as a child process: start it, write a request line into its stdin, read the reply
//! line from its stdout, and stop it.
//!
//! [`ServiceProcess`] is one running service. [`ChildProcessor`] and [`ChildTransformer`] are the
//! pipeline's `Processor` and `Transformer`, answered by service1 and service2 through it: they
//! turn a wire [`Reply`] into the pipeline's own result types.

use std::env;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use common::{Reply, Request};

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};

/// How long the app waits for one reply before it gives up on the service.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The longest reply line read: a child that writes without end cannot fill the app's memory.
const MAX_LINE_BYTES: u64 = 64 * 1024;

/// A running service, spoken to over its stdin and stdout.
pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    /// The lines of its stdout, read by a thread of their own (see [`read_lines`]).
    lines: Receiver<io::Result<String>>,
    timeout: Duration,
}

impl ServiceProcess {
    /// Starts the program at `path` as service `name`, with its stdin and stdout piped to us and
    /// its stderr shared with ours, and checks that it answers the hello as `name`. Returns it and
    /// its component's version.
    pub fn start(name: &str, path: &Path, timeout: Duration) -> Result<(Self, String), CallError> {
        let unavailable = |reason: String| CallError::Unavailable {
            component: name.to_string(),
            reason,
        };
        let mut child = Command::new(path)
            .stdin(Stdio::piped()) // requests go in here
            .stdout(Stdio::piped()) // replies come out here
            .stderr(Stdio::inherit()) // its log goes where ours goes
            .spawn()
            .map_err(|error| {
                let hint = match error.kind() {
                    io::ErrorKind::NotFound => " (`cargo build` puts it next to the app)",
                    _ => "",
                };
                unavailable(format!("cannot start {}: {error}{hint}", path.display()))
            })?;
        // Both are `Some`: they were piped just above.
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            unreachable!("stdin and stdout are piped");
        };
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || read_lines(stdout, sender));
        let service = ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            lines,
            timeout,
        };
        // From here on, a `?` drops `service`, and its `Drop` stops the child.
        match service.call(&Request::Hello)? {
            Reply::Hello {
                service: who,
                version,
            } if who == name => Ok((service, version)),
            other => Err(unavailable(format!(
                "{} is not {name}: it answered the hello with {other:?}",
                path.display()
            ))),
        }
    }

    /// Sends one request and waits at most `timeout` for its reply. An error reply is the
    /// component saying no: [`CallError::Rejected`].
    pub fn call(&self, request: &Request) -> Result<Reply, CallError> {
        let mut line = serde_json::to_string(request).map_err(|e| self.unavailable(e))?;
        line.push('\n');
        // One `write` of the whole line; `&ChildStdin` is a writer, so `call` needs only `&self`.
        (&self.stdin)
            .write_all(line.as_bytes())
            .map_err(|error| self.unavailable(format!("cannot write to it: {error}")))?;

        // Reading a pipe blocks until a line comes or the child closes its stdout, forever if it
        // hangs. The reading thread may block; here we wait for its next line at most `timeout`.
        let line = match self.lines.recv_timeout(self.timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => return Err(self.unavailable(format!("cannot read it: {error}"))),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(self.unavailable("it exited (its stdout closed)"));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(CallError::TimedOut {
                    component: self.name.clone(),
                    waited: self.timeout,
                });
            }
        };
        match serde_json::from_str(&line) {
            Ok(Reply::Error { error }) => Err(CallError::Rejected {
                component: self.name.clone(),
                reason: error,
            }),
            Ok(reply) => Ok(reply),
            Err(error) => Err(self.unavailable(format!(
                "it answered {:?}, which is not a reply ({error})",
                line.trim_end()
            ))),
        }
    }

    fn unavailable(&self, reason: impl ToString) -> CallError {
        CallError::Unavailable {
            component: self.name.clone(),
            reason: reason.to_string(),
        }
    }
}

/// However the app leaves `main` (an early `?`, a panic), no child is left running: kill it, and
/// wait for it ("reap" it), or the OS keeps the dead child's entry, a zombie, until the app exits.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill(); // fails only if it has exited already
        let _ = self.child.wait();
    }
}

/// The reading thread: sends each line of the child's stdout, until the child closes it (it
/// exited) or the app stops listening. The channel lets the caller wait with a timeout, which a
/// blocking read cannot do.
fn read_lines(stdout: ChildStdout, lines: Sender<io::Result<String>>) {
    let mut stdout = BufReader::new(stdout);
    loop {
        let mut line = String::new();
        match (&mut stdout).take(MAX_LINE_BYTES).read_line(&mut line) {
            Ok(0) => return, // its stdout closed: it exited
            Ok(_) => {
                if lines.send(Ok(line)).is_err() {
                    return; // the app stopped listening
                }
            }
            Err(error) => {
                let _ = lines.send(Err(error));
                return;
            }
        }
    }
}

/// Where service `name` is: next to the app's own executable, where Cargo puts every binary of
/// the workspace (`target/debug/`), with the platform's suffix (`.exe` on Windows).
pub fn service_path(name: &str) -> io::Result<PathBuf> {
    let app = env::current_exe()?;
    Ok(app.with_file_name(format!("{name}{}", env::consts::EXE_SUFFIX)))
}

/// `cargo run` builds the app and what it links, not the services it starts. So when Cargo
/// started the app (it then sets `CARGO` and `CARGO_MANIFEST_DIR`), the app asks it to build
/// them, in the app's own profile: an edited component is never run stale.
pub fn build_services_if_run_by_cargo() -> Result<(), String> {
    let (Some(cargo), Some(package_dir)) =
        (env::var_os("CARGO"), env::var_os("CARGO_MANIFEST_DIR"))
    else {
        return Ok(()); // started without Cargo: the services are where they were installed
    };
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "-q",
        "-p",
        "service1",
        "-p",
        "service2",
        "--manifest-path",
    ]);
    build.arg(Path::new(&package_dir).join("Cargo.toml"));
    let app = env::current_exe().map_err(|error| format!("cannot find the app: {error}"))?;
    match app
        .parent()
        .and_then(Path::file_name)
        .and_then(|dir| dir.to_str())
    {
        Some("debug") | None => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(profile) => {
            build.args(["--profile", profile]);
        }
    }
    match build.stdout(Stdio::null()).status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "building the services failed ({status}); see above"
        )),
        Err(error) => Err(format!("cannot run cargo to build the services: {error}")),
    }
}

/// The pipeline's `Processor`, answered by service1.
pub struct ChildProcessor(pub ServiceProcess);

/// The pipeline's `Transformer`, answered by service2.
pub struct ChildTransformer(pub ServiceProcess);

impl Processor for ChildProcessor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        match self.0.call(&Request::Process { value })? {
            Reply::Processed(result) => Ok(ProcessResult {
                value: result.value,
                processed: result.processed,
            }),
            other => Err(self
                .0
                .unavailable(format!("it answered {other:?} to process"))),
        }
    }
}

impl Transformer for ChildTransformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        match self.0.call(&Request::Transform { value })? {
            Reply::Transformed(result) => Ok(TransformResult {
                original: result.original,
                transformed: result.transformed,
            }),
            other => Err(self
                .0
                .unavailable(format!("it answered {other:?} to transform"))),
        }
    }
}
