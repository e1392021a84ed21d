//! What every broker test needs: the real RabbitMQ (or a clear skip), a queue prefix of its own,
//! real worker processes that are always killed and reaped, and the app run with a time limit.
//!
//! Isolation: each test puts a unique `QUEUE_PREFIX` on every queue and exchange name, so tests
//! running in parallel, the journey's `cargo run`, and a reader's own workers never see each
//! other's messages on the shared broker. [`Topology`] deletes the test's queues when it ends.

use common::connect::{self, BrokerArgs};
use common::queues::QueueNames;
use lapin::options::{ExchangeDeleteOptions, QueueDeleteOptions};
use lapin::{Channel, Connection};
use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Every wait in these tests is bounded by this, generous for a loaded 2-core CI machine.
pub const WAIT: Duration = Duration::from_secs(60);

pub fn broker_addr() -> String {
    std::env::var("AMQP_ADDR").unwrap_or_else(|_| connect::DEFAULT_AMQP_ADDR.into())
}

/// The broker's settings for a test's own connections.
pub fn broker(names: &QueueNames, connect_timeout_secs: u64) -> BrokerArgs {
    BrokerArgs {
        amqp_addr: broker_addr(),
        queues: names.clone(),
        connect_timeout_secs,
    }
}

/// Whether a missing broker (or management API) must fail the test rather than skip it.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// True when the test must not run: RabbitMQ is unreachable and this is not CI. Under
/// `CI=true` a missing broker fails the test instead, so a broken CI setup cannot pass as
/// "everything skipped".
pub fn skip_without_broker(test: &str) -> bool {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let up = UP.get_or_init(|| {
        let broker = broker(&QueueNames::with_prefix("").unwrap(), 2);
        runtime().block_on(async {
            let connection = connect::connect(&broker, "step08-test-probe")
                .await
                .map_err(|e| e.to_string())?;
            let _ = connection.close(200, "probe".into()).await;
            Ok(())
        })
    });
    match up {
        Ok(()) => false,
        Err(error) if in_ci() => {
            panic!(
                "{error}\nCI=true, so a missing broker is a failure: start it with `rabbitmq-server -detached`"
            )
        }
        Err(error) => {
            eprintln!(
                "SKIPPED {test}: {error}\n  start RabbitMQ (`rabbitmq-server -detached`, or see the \
                 step README) and run the tests again"
            );
            true
        }
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}

/// A queue prefix no other test, run or reader uses.
pub fn unique_prefix(test: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "test.{test}.{}.{}.{nanos:x}.",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A test's own set of queues; deleted from the broker when the test ends, pass or fail.
pub struct Topology {
    pub prefix: String,
    pub names: QueueNames,
}

impl Topology {
    pub fn new(test: &str) -> Self {
        let prefix = unique_prefix(test);
        let names = QueueNames::with_prefix(&prefix).unwrap();
        Self { prefix, names }
    }

    /// A plain connection and channel for the test itself to publish and inspect with.
    pub async fn open(&self) -> (Connection, Channel) {
        let broker = broker(&self.names, 10);
        let connection = connect::connect(&broker, &format!("{}tester", self.prefix))
            .await
            .unwrap();
        let channel = connection.create_channel().await.unwrap();
        channel
            .confirm_select(lapin::options::ConfirmSelectOptions::default())
            .await
            .unwrap();
        common::queues::declare(&channel, &self.names)
            .await
            .unwrap();
        (connection, channel)
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        let names = self.names.clone();
        let prefix = self.prefix.clone();
        // A fresh thread: this may run while a test's own runtime is still alive.
        let _ = std::thread::spawn(move || {
            runtime().block_on(async {
                let broker = broker(&names, 2);
                let Ok(connection) = connect::connect(&broker, &format!("{prefix}cleanup")).await
                else {
                    return;
                };
                if let Ok(channel) = connection.create_channel().await {
                    let process = names.work_queue(common::queues::WorkQueue::Process);
                    let transform = names.work_queue(common::queues::WorkQueue::Transform);
                    for queue in [&process, &transform, &names.dead_letters()] {
                        let _ = channel
                            .queue_delete(queue.as_str().into(), QueueDeleteOptions::default())
                            .await;
                    }
                    let _ = channel
                        .exchange_delete(
                            names.dead_letters().as_str().into(),
                            ExchangeDeleteOptions::default(),
                        )
                        .await;
                }
                let _ = connection.close(200, "cleanup".into()).await;
            })
        })
        .join();
    }
}

/// The directory Cargo put this test's binaries in (`target/debug`).
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_app"))
        .parent()
        .expect("the app binary has a directory")
        .to_path_buf()
}

/// The path of a worker binary, built first if `cargo test` did not build it (it builds only
/// the binaries of packages with integration tests; `cargo test -p app` builds none of them).
pub fn worker_binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let path = bin_dir().join(format!("{name}{EXE_SUFFIX}"));
    BUILT.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--quiet",
                "--workspace",
                "--bin",
                "service1",
                "--bin",
                "service2",
            ])
            .arg("--manifest-path")
            .arg(manifest)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo could not build the workers");
    });
    path
}

/// Output collected from a child's pipe by a background thread, readable while it runs.
#[derive(Clone, Default)]
pub struct Captured {
    text: Arc<Mutex<String>>,
    done: Arc<AtomicBool>,
}

impl Captured {
    pub fn collect(pipe: impl Read + Send + 'static) -> Self {
        let captured = Self::default();
        let sink = captured.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                let mut text = sink.text.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
            sink.done.store(true, Ordering::SeqCst);
        });
        captured
    }

    /// Waits (bounded) until the pipe reached end of file, so no output is missing.
    pub fn wait_closed(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.done.load(Ordering::SeqCst) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits (bounded) until `condition` holds for the text so far.
    pub fn wait_for(&self, what: &str, condition: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !condition(&self.text()) {
            assert!(
                Instant::now() < deadline,
                "waited {WAIT:?} for {what}; output so far:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A real worker process. Dropping it kills and reaps it, so a failing test leaves none behind.
pub struct Worker {
    child: Child,
    pub log: Captured,
}

impl Worker {
    /// Starts `service1` or `service2` on the topology's queues and waits until it consumes.
    pub fn start(name: &str, topology: &Topology, envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(worker_binary(name))
            .arg("--stop-when-stdin-closes")
            .env("QUEUE_PREFIX", &topology.prefix)
            // The per-message lines are what `answered` counts, whatever the caller's RUST_LOG.
            .env("RUST_LOG", "info")
            .envs(envs.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the worker binary starts");
        let log = Captured::collect(child.stderr.take().expect("piped stderr"));
        let worker = Self { child, log };
        worker.log.wait_for(&format!("{name} to consume"), |log| {
            log.contains(" consuming ")
        });
        worker
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the app does to stop the workers it started: close their stdin.
    pub fn close_stdin(&mut self) {
        drop(self.child.stdin.take());
    }

    /// Kills the worker at once (SIGKILL on Unix): no chance to finish or ack anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits (bounded) for the worker to exit by itself.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the worker did not exit within {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// How many requests this worker answered, from its log.
    pub fn answered(&self) -> usize {
        self.log.text().matches(" -> ").count()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A running app process, with its output captured.
pub struct App {
    child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl App {
    pub fn start(topology: &Topology, args: &[&str], envs: &[(&str, &str)]) -> Self {
        // Make sure the workers exist before the app looks for them: the app would build them
        // itself, but building once here keeps parallel tests from queueing on Cargo's lock.
        worker_binary("service1");
        let mut child = Command::new(env!("CARGO_BIN_EXE_app"))
            .args(args)
            .env("QUEUE_PREFIX", &topology.prefix)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app binary starts");
        let stdout = Captured::collect(child.stdout.take().expect("piped stdout"));
        let stderr = Captured::collect(child.stderr.take().expect("piped stderr"));
        Self {
            child,
            stdout,
            stderr,
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits (bounded) for the app to exit; returns its status and whole stdout and stderr.
    pub fn finish(mut self) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + WAIT * 2;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                panic!(
                    "the app did not exit within {:?}; stderr:\n{}",
                    WAIT * 2,
                    self.stderr.text()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        self.stdout.wait_closed();
        self.stderr.wait_closed();
        (status, self.stdout.text(), self.stderr.text())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the app to the end.
pub fn run_app(
    topology: &Topology,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (ExitStatus, String, String) {
    App::start(topology, args, envs).finish()
}

/// One request to RabbitMQ's management HTTP API (the `rabbitmq_management` plugin, on
/// `127.0.0.1:15672` or `RABBITMQ_MANAGEMENT_ADDR`, as `guest`, which it lets in from loopback).
/// Plain HTTP/1.0 over a socket: the one test that needs it asks for a list and deletes an entry,
/// which is not worth an HTTP client dependency. Returns the body of a 2xx answer.
pub fn management(method: &str, path: &str) -> Result<String, String> {
    use std::io::Write;
    let addr =
        std::env::var("RABBITMQ_MANAGEMENT_ADDR").unwrap_or_else(|_| "127.0.0.1:15672".into());
    let socket = addr.parse().map_err(|e| format!("{addr}: {e}"))?;
    let failed = |e: std::io::Error| format!("management API at {addr}: {e}");
    let mut stream =
        std::net::TcpStream::connect_timeout(&socket, Duration::from_secs(5)).map_err(failed)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(failed)?;
    // `guest:guest` in base64.
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nAuthorization: Basic Z3Vlc3Q6Z3Vlc3Q=\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(failed)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(failed)?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    if !status.starts_with('2') {
        return Err(format!("{method} {path} answered {head}"));
    }
    Ok(body.to_string())
}

/// `%`-encodes everything but letters and digits, for a name inside a URL path.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
