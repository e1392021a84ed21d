//! What every broker test needs: the real RabbitMQ (or one clear failure), a queue prefix of its
//! own, real worker processes that are always killed and reaped, and programs run with a time
//! limit. `hardened/tests` uses this file too (`#[path]`), so the step has one copy of it.
//!
//! Isolation: each test puts a unique `QUEUE_PREFIX` on every queue name, so tests running in
//! parallel, a reader's `cargo run` and the bench never see each other's messages on the shared
//! broker. [`Topology`] deletes the test's queues when it ends.
#![allow(dead_code)] // each of the two test targets uses a part of this file

use lapin::options::{BasicGetOptions, ConfirmSelectOptions, QueueDeleteOptions};
use lapin::{Channel, Connection};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Every wait in these tests is bounded by this, generous for a loaded 2-core CI machine.
pub const WAIT: Duration = Duration::from_secs(60);
/// Where nothing listens: port 1 on loopback refuses every connection at once.
pub const CLOSED_PORT: &str = "amqp://127.0.0.1:1/%2f";
/// The one line a test that needs RabbitMQ fails with when none answers (then the reason).
pub const NO_BROKER: &str = "this test needs RabbitMQ";

/// Call first in every test that needs the broker. Without one it fails with one line: what is
/// missing, the command that starts it, and the variable that skips these tests instead.
pub fn require_broker() {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let up = UP.get_or_init(|| {
        runtime().block_on(async {
            let connection = common::broker::connect("step08-test-probe").await?;
            let _ = connection.close(200, "probe".into()).await;
            Ok(())
        })
    });
    if let Err(error) = up {
        panic!(
            "{NO_BROKER}: {error}; or set STEP08_SKIP_BROKER_TESTS=1 to report these tests as ignored"
        );
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a test runtime")
}

/// A test's own set of queues; deleted from the broker when the test ends, pass or fail.
pub struct Topology {
    pub prefix: String,
}

impl Topology {
    pub fn new(test: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let prefix = format!("test.{test}.{}.{n}.{nanos:x}.", std::process::id());
        Self { prefix }
    }

    /// A queue's name under this test's prefix.
    pub fn queue(&self, queue: &str) -> String {
        format!("{}{queue}", self.prefix)
    }

    /// A connection and a channel with publisher confirms, for the test itself.
    pub async fn open(&self) -> (Connection, Channel) {
        let connection = common::broker::connect(&format!("{}tester", self.prefix))
            .await
            .unwrap();
        let channel = connection.create_channel().await.unwrap();
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        for queue in ["process", "transform", "dead_letters"] {
            common::broker::declare_queue(&channel, &self.queue(queue))
                .await
                .unwrap();
        }
        (connection, channel)
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        let queues = ["process", "transform", "dead_letters"].map(|q| self.queue(q));
        // A fresh thread: this may run while a test's own runtime is still alive.
        let _ = std::thread::spawn(move || {
            runtime().block_on(async {
                let Ok(connection) = common::broker::connect("cleanup").await else {
                    return;
                };
                if let Ok(channel) = connection.create_channel().await {
                    for queue in &queues {
                        let delete = QueueDeleteOptions::default();
                        let _ = channel.queue_delete(queue.as_str().into(), delete).await;
                    }
                }
                let _ = connection.close(200, "cleanup".into()).await;
            })
        })
        .join();
    }
}

/// `basic_get` until a message is there or `limit` has passed.
pub async fn poll_get(channel: &Channel, queue: &str, limit: Duration) -> Option<Vec<u8>> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        let get = channel.basic_get(queue.into(), BasicGetOptions { no_ack: true });
        if let Some(message) = get.await.unwrap() {
            return Some(message.delivery.data);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// The directory Cargo puts this workspace's binaries in (`target/debug`).
pub fn bin_dir() -> PathBuf {
    let test = std::env::current_exe().expect("the test binary has a path");
    // `target/debug/deps/end_to_end-<hash>` -> `target/debug`
    test.ancestors()
        .nth(2)
        .expect("target/<profile>/deps")
        .to_path_buf()
}

/// The path of a binary of this workspace. `cargo test` builds the binaries of the package under
/// test and names them in `CARGO_BIN_EXE_*`: those are used as they are, never rebuilt here (a
/// relink would remove a binary for a moment under another test that runs it). The lesson's
/// workers, `service1` and `service2`, belong to other packages, so they are built here first.
pub fn binary(name: &str) -> PathBuf {
    let own = match name {
        "app" => option_env!("CARGO_BIN_EXE_app"),
        "hardened" => option_env!("CARGO_BIN_EXE_hardened"),
        "hardened-service1" => option_env!("CARGO_BIN_EXE_hardened-service1"),
        "hardened-service2" => option_env!("CARGO_BIN_EXE_hardened-service2"),
        _ => None,
    };
    if let Some(path) = own {
        return PathBuf::from(path);
    }
    static WORKERS: OnceLock<()> = OnceLock::new();
    WORKERS.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let packages = ["-p", "service1", "-p", "service2"];
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--bins"])
            .args(packages)
            .arg("--manifest-path")
            .arg(manifest)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "cargo could not build {packages:?}");
    });
    bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
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

/// A real worker process (`service1`, `hardened-service1`, ...). Dropping it kills and reaps
/// it, so a failing test leaves none behind.
pub struct Worker {
    child: Child,
    pub log: Captured,
}

impl Worker {
    /// Starts the worker binary `name` on the topology's queues and waits until it consumes.
    pub fn start(name: &str, topology: &Topology, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(binary(name))
            .args(args)
            .env("QUEUE_PREFIX", &topology.prefix)
            .envs(envs.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the worker binary starts");
        let log = Captured::collect(child.stderr.take().expect("piped stderr"));
        let worker = Self { child, log };
        let waiting = |log: &str| log.contains(": waiting for requests on queue ");
        worker.log.wait_for(&format!("{name} to consume"), waiting);
        worker
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the hardened app does to stop the workers it started: close their stdin.
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

    /// How many requests this worker answered, from its log (`{"value":42} -> {...}`).
    pub fn answered(&self) -> usize {
        self.log.text().matches(" -> ").count()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A running program (the app, the hardened app), with its output captured.
pub struct Program {
    child: Child,
    pub stdout: Captured,
    pub stderr: Captured,
}

impl Program {
    pub fn start(path: &Path, topology: &Topology, args: &[&str], envs: &[(&str, &str)]) -> Self {
        let mut child = Command::new(path)
            .args(args)
            .env("QUEUE_PREFIX", &topology.prefix)
            .envs(envs.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the program starts");
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

    /// Waits (bounded) for the program to exit; returns its status and whole stdout and stderr.
    pub fn finish(mut self) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + WAIT * 2;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let stderr = self.stderr.text();
                panic!(
                    "the program did not exit within {:?}; stderr:\n{stderr}",
                    WAIT * 2
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        self.stdout.wait_closed();
        self.stderr.wait_closed();
        (status, self.stdout.text(), self.stderr.text())
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a program to its end.
pub fn run(
    path: &Path,
    topology: &Topology,
    args: &[&str],
    envs: &[(&str, &str)],
) -> (ExitStatus, String, String) {
    Program::start(path, topology, args, envs).finish()
}
