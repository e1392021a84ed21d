//! The workers `cargo run` starts when nobody said where the workers are.
//!
//! Step 08 is meant to run as separate processes, in separate terminals or containers. But
//! `cargo run` on a fresh clone must show the pipeline with no other command, so by default the
//! app starts one `service1` (or `--service1-workers N` of them) and one `service2` itself, as
//! child processes, from the directory that holds its own executable (where Cargo puts every
//! binary of the workspace). If they are missing and the app was started by Cargo (which sets
//! `CARGO`), the app asks Cargo to build them first: `cargo run` only builds the binary it
//! runs, and one package cannot make Cargo build another package's binary before it.
//!
//! The children are stopped by closing their stdin (they run with `--stop-when-stdin-closes`),
//! which works the same on every OS and also happens when the app dies without cleaning up. A
//! `Drop` guard kills and reaps whatever is still running, so no worker outlives the app.

use common::worker::{STOP_WHEN_STDIN_CLOSES, WORKER_LOG_ENV};
use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WORKERS: [&str; 2] = ["service1", "service2"];
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// The worker processes this app started.
pub struct LocalWorkers {
    children: Vec<(&'static str, Child)>,
}

impl LocalWorkers {
    /// Starts `service1_count` service1 workers and one service2. `quiet` turns off their
    /// per-message log lines, unless `WORKER_LOG` is already set (then the children inherit it:
    /// `WORKER_LOG=each app --repeat 10` shows which worker took which request).
    pub fn start(quiet: bool, service1_count: usize) -> Result<Self, String> {
        let dir = executable_dir()?;
        let paths: Vec<PathBuf> = WORKERS
            .iter()
            .map(|name| dir.join(format!("{name}{EXE_SUFFIX}")))
            .collect();
        if paths.iter().any(|path| !path.is_file()) {
            build_with_cargo(&paths)?;
        }

        let mut workers = Self {
            children: Vec::new(),
        };
        // service1 `service1_count` times, then service2 once.
        let counts = [service1_count, 1];
        let to_start = WORKERS
            .iter()
            .zip(&paths)
            .zip(counts)
            .flat_map(|(worker, count)| std::iter::repeat_n(worker, count));
        for (name, path) in to_start {
            let mut command = Command::new(path);
            command
                .arg(STOP_WHEN_STDIN_CLOSES)
                .stdin(Stdio::piped())
                // The app's stdout is the pipeline's output; the workers' logs go to stderr.
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            if quiet && std::env::var_os(WORKER_LOG_ENV).is_none() {
                command.env(WORKER_LOG_ENV, "quiet");
            }
            // On error, `workers` is dropped here and stops the ones already started.
            let child = command
                .spawn()
                .map_err(|e| format!("cannot start {name} from {}: {e}", path.display()))?;
            workers.children.push((name, child));
        }
        Ok(workers)
    }

    /// Fails if a worker has already exited (it printed its own reason on stderr).
    pub fn check_alive(&mut self) -> Result<(), String> {
        for (name, child) in &mut self.children {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!(
                    "{name} exited ({status}) before the pipeline finished; its error is above"
                ));
            }
        }
        Ok(())
    }

    /// Asks every worker to stop (closes its stdin), waits a bounded time for it to finish its
    /// current message and close its connection, and kills it if it does not.
    pub fn stop(mut self) {
        for (_, child) in &mut self.children {
            drop(child.stdin.take());
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        for (name, child) in &mut self.children {
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    _ => {
                        eprintln!("[app] {name} did not stop within 5 s; killing it");
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
        self.children.clear();
    }
}

impl Drop for LocalWorkers {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            // Kill, then wait: waiting reaps the child, so no zombie is left behind.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn executable_dir() -> Result<PathBuf, String> {
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot find the app's own executable: {e}"))?;
    exe.parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} has no parent directory", exe.display()))
}

/// Builds both workers with the Cargo that started this app, in the same profile.
fn build_with_cargo(paths: &[PathBuf]) -> Result<(), String> {
    let missing = paths
        .iter()
        .find(|path| !path.is_file())
        .map_or_else(String::new, |path| path.display().to_string());
    let Some(cargo) = std::env::var_os("CARGO") else {
        return Err(format!(
            "worker binary {missing} not found: build the workers with `cargo build` in \
             step08_broker, or start workers yourself and run the app with --workers external"
        ));
    };
    // The workspace this binary was built from; `cargo run` also runs from inside it.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "-p", "service1", "-p", "service2"])
        .arg("--manifest-path")
        .arg(&manifest)
        // Cargo's own messages go to stderr with the rest of the logs.
        .stdout(Stdio::null());
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    eprintln!("[app] {missing} is missing; building the workers with cargo");
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo to build the workers: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo could not build the workers ({status}); run `cargo build` in step08_broker \
             to see why"
        ));
    }
    match paths.iter().find(|path| !path.is_file()) {
        None => Ok(()),
        Some(path) => Err(format!(
            "cargo built the workers but {} is still missing (a different --target-dir?): \
             run `cargo build` in step08_broker, then run the app again",
            path.display()
        )),
    }
}
