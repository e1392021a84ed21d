//! The workers `cargo run` starts when nobody said where the workers are.
//!
//! Step 08 is meant to run as separate processes, in separate terminals or containers. But
//! `cargo run` on a fresh clone must show the pipeline with no other command, so by default the
//! app starts one `service1` (or `--service1-workers N` of them) and one `service2` itself, as
//! child processes, from the directory that holds its own executable (where Cargo puts every
//! binary of the workspace).
//!
//! **Never a stale worker.** `cargo run` builds only the `app` package: nothing in `app` depends
//! on the workers (it reaches them through the broker). Cargo sets `CARGO` for the programs it
//! runs, so when it is set the app always asks that same Cargo to build the workers, in the same
//! profile and target directory, before starting them: a no-op when they are up to date, and a
//! rebuild when you just edited `component1`. Steps 06 and 07 do the same. Outside Cargo (a
//! deployed app), nothing is built: a missing binary is an error that says what to run.
//!
//! **Never an orphan.** The children are stopped by closing their stdin (they run with
//! `--stop-when-stdin-closes`), which works the same on every OS and also happens when the app
//! dies without cleaning up. A `Drop` guard kills and reaps whatever is still running.

use crate::rpc_client::RpcClient;
use anyhow::{Context, bail};
use common::queues::WorkQueue;
use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};
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
    /// Builds the workers if Cargo started us, starts `service1_count` service1 and one service2,
    /// and waits until they all consume, so a measurement never starts with a worker missing.
    /// `quiet` turns their per-message log lines off (`RUST_LOG=warn`) unless `RUST_LOG` is set.
    pub async fn start(
        client: &RpcClient,
        service1_count: usize,
        quiet: bool,
    ) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("cannot find the app's own executable")?;
        let dir = exe
            .parent()
            .context("the app's executable has no directory")?
            .to_owned();
        // Cargo blocks for as long as it builds: off the async threads.
        let paths = tokio::task::spawn_blocking(move || build_if_cargo(&dir)).await??;

        let mut workers = Self { children: vec![] };
        for (name, path, count) in [
            ("service1", &paths[0], service1_count),
            ("service2", &paths[1], 1),
        ] {
            for _ in 0..count {
                let mut command = Command::new(path);
                // Its stdin is its lifeline; its stdout is unused; its log shares our stderr.
                command
                    .arg("--stop-when-stdin-closes")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null());
                if quiet && std::env::var_os("RUST_LOG").is_none() {
                    command.env("RUST_LOG", "warn");
                }
                // On error, `workers` is dropped here and stops the ones already started.
                let child = command
                    .spawn()
                    .with_context(|| format!("cannot start {}", path.display()))?;
                workers.children.push((name, child));
            }
        }
        // Wait (bounded) until every worker consumes its queue, failing early if one exits.
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            for (name, child) in &mut workers.children {
                if let Some(status) = child.try_wait()? {
                    bail!("{name} exited ({status}) before it consumed; its error is above");
                }
            }
            let process = client.consumer_count(WorkQueue::Process).await? as usize;
            if process >= service1_count && client.consumer_count(WorkQueue::Transform).await? > 0 {
                return Ok(workers);
            }
            if Instant::now() >= deadline {
                bail!("the local workers did not start consuming within {START_TIMEOUT:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for LocalWorkers {
    /// Asks every worker to stop (closes its stdin), gives it a bounded time to finish its current
    /// message and close its connection, then kills it. Waiting reaps it: no zombie is left.
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

/// When Cargo started us, `cargo build` of both workers into `dir`; then their paths, which
/// must exist.
fn build_if_cargo(dir: &Path) -> anyhow::Result<[PathBuf; 2]> {
    let paths = ["service1", "service2"].map(|name| dir.join(format!("{name}{EXE_SUFFIX}")));
    if let Some(cargo) = std::env::var_os("CARGO") {
        // `target/debug` is the `dev` profile; `target/release` and custom profiles their name.
        let profile = match dir.file_name().and_then(|name| name.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
        let mut command = Command::new(cargo);
        if paths.iter().all(|path| path.is_file()) {
            command.arg("--quiet"); // up to date, most likely: nothing to say
        } else {
            tracing::info!("building the workers with cargo (the first time takes a while)");
        }
        let status = command
            .args(["build", "--workspace", "--bin=service1", "--bin=service2"])
            .arg(format!("--profile={profile}"))
            .arg("--manifest-path")
            .arg(manifest)
            .arg("--target-dir")
            .arg(dir.parent().unwrap_or(dir))
            // A build target set for the app would nest the output one directory deeper.
            .env_remove("CARGO_BUILD_TARGET")
            .stdin(Stdio::null())
            // Cargo's messages (errors included) go to stderr with the rest of the logs.
            .stdout(Stdio::null())
            .status()
            .context("cannot run cargo to build the workers")?;
        if !status.success() {
            bail!("cargo could not build the workers ({status}); its errors are above");
        }
    }
    if let Some(missing) = paths.iter().find(|path| !path.is_file()) {
        let hint = "run `cargo build` in step08_broker, or start workers yourself and run the app \
                    with --workers external";
        bail!("worker binary {} not found: {hint}", missing.display());
    }
    Ok(paths)
}
