//! `--workers local` for the hardened app: `--service1-workers N` hardened service1 and one
//! hardened service2, built first when Cargo started the app (never a stale worker, as in the
//! lesson), and ready before the first pipeline: a measurement never starts with a worker missing.
//!
//! **Never an orphan.** Each worker runs with `--stop-when-stdin-closes`: the app stops it by
//! closing its stdin, the same on every OS, and the OS closes that pipe when the app dies without
//! cleaning up (even `kill -9`). `Drop` then kills and reaps whatever is still running.

use common::broker::connect;
use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use std::env::consts::EXE_SUFFIX;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the workers may take to start consuming, and to stop.
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// The worker processes this app started.
pub struct LocalWorkers {
    children: Vec<(&'static str, Child)>,
}

impl LocalWorkers {
    /// `quiet` turns the workers' per-message lines off (stderr to null) under `--repeat`,
    /// unless `WORKER_LOG` is set (to anything: only its presence is checked).
    pub async fn start(service1_count: usize, quiet: bool) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the app: {e}"))?;
        let dir = exe
            .parent()
            .ok_or("the app's executable has no directory")?
            .to_owned();
        if let Some(cargo) = std::env::var_os("CARGO") {
            // Cargo blocks for as long as it builds: off the async threads.
            let build = tokio::task::spawn_blocking(move || build(&cargo, &exe));
            build.await.map_err(|e| e.to_string())??;
        }
        let mut workers = Self { children: vec![] };
        let quiet = quiet && std::env::var_os("WORKER_LOG").is_none();
        for (name, count) in [("service1", service1_count), ("service2", 1)] {
            let path = dir.join(format!("hardened-{name}{EXE_SUFFIX}"));
            for _ in 0..count {
                let mut command = Command::new(&path);
                command
                    .arg("--stop-when-stdin-closes")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null());
                if quiet {
                    command.stderr(Stdio::null());
                }
                let child = command
                    .spawn()
                    .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
                workers.children.push((name, child));
            }
        }
        workers.wait_consuming(service1_count).await?;
        Ok(workers)
    }

    /// Waits (bounded) until both queues have their consumers, failing early if a worker exits.
    async fn wait_consuming(&mut self, service1_count: usize) -> Result<(), String> {
        let probe = connect(&format!("hardened-probe-{}", std::process::id())).await;
        let connection = probe.map_err(|error| crate::worker::hide_password(&error))?;
        let failed = |e: lapin::Error| format!("cannot inspect the queues: {e}");
        let channel = connection.create_channel().await.map_err(failed)?;
        let deadline = Instant::now() + START_TIMEOUT;
        let result = 'wait: loop {
            if let Some(exited) = self.exited() {
                break Err(exited);
            }
            let mut counts = vec![];
            for queue in [common::PROCESS_QUEUE, common::TRANSFORM_QUEUE] {
                // A passive declare only asks: it never creates or changes the queue.
                let passive = QueueDeclareOptions {
                    passive: true,
                    durable: true,
                    ..Default::default()
                };
                let name = common::broker::queue_name(queue);
                let declared =
                    channel.queue_declare(name.as_str().into(), passive, FieldTable::default());
                // `SharedRpcClient::connect` declared both queues before the workers started.
                match declared.await {
                    Ok(queue) => counts.push(queue.consumer_count() as usize),
                    Err(error) => break 'wait Err(failed(error)),
                }
            }
            if counts[0] >= service1_count && counts[1] >= 1 {
                break Ok(());
            }
            if Instant::now() >= deadline {
                break Err(format!(
                    "the local workers did not consume within {START_TIMEOUT:?}"
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let _ = connection.close(200, "ready".into()).await;
        result
    }

    fn exited(&mut self) -> Option<String> {
        self.children
            .iter_mut()
            .find_map(|(name, child)| match child.try_wait() {
                Ok(Some(status)) => Some(format!("{name} exited ({status}) before it consumed")),
                _ => None,
            })
    }
}

impl Drop for LocalWorkers {
    /// Closes every worker's stdin, gives it a bounded time to finish its message, then kills it.
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            drop(child.stdin.take());
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        for (_, child) in &mut self.children {
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `cargo build` of the hardened workers, with the profile and into the directory of `exe`.
fn build(cargo: &std::ffi::OsStr, exe: &Path) -> Result<(), String> {
    let dir = exe.parent().unwrap_or(exe);
    let profile = match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", "hardened"])
        .args(["--bin=hardened-service1", "--bin=hardened-service2"])
        .arg(format!("--profile={profile}"))
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.parent().unwrap_or(dir))
        .env_remove("CARGO_BUILD_TARGET")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo to build the workers: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!(
            "cargo could not build the hardened workers ({status}); see above"
        )),
    }
}
