//! The two workers `cargo run` starts, so that one command shows the whole pipeline.
//!
//! Workers are meant to run on their own (other terminals, other machines): the app only talks to
//! the broker. But `cargo run` must work alone, so the app starts one `service1` and one
//! `service2` from the directory of its own executable, where Cargo puts every binary of the
//! workspace. `cargo run` builds only the app, so when Cargo started it (Cargo sets `CARGO`), the
//! app first asks that Cargo to build the workers: nothing to do when they are up to date, a
//! rebuild when you just edited component1. Never a stale worker.

use std::env::consts::EXE_SUFFIX;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The worker processes this app started; dropping this value stops them.
pub struct LocalWorkers {
    children: Vec<Child>,
}

impl LocalWorkers {
    pub fn start() -> Result<LocalWorkers, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the app: {e}"))?;
        let dir = exe
            .parent()
            .ok_or("the app's executable has no directory")?;
        if let Some(cargo) = std::env::var_os("CARGO") {
            build_workers(&cargo, dir)?;
        }
        let mut workers = LocalWorkers { children: vec![] };
        for name in ["service1", "service2"] {
            let path = dir.join(format!("{name}{EXE_SUFFIX}"));
            // On error, `workers` is dropped here and stops the one already started.
            let child = Command::new(&path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn();
            let child = child.map_err(|e| format!("cannot start {}: {e}", path.display()))?;
            workers.children.push(child);
        }
        Ok(workers)
    }
}

impl Drop for LocalWorkers {
    /// Kills each worker and waits for it, so none outlives the app. A request it held but had
    /// not acknowledged goes back to its queue.
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `cargo build` of both workers, into the directory (`target/debug`, `target/release`) and with
/// the profile of the app that is running.
fn build_workers(cargo: &std::ffi::OsStr, dir: &Path) -> Result<(), String> {
    let profile = match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--bin=service1", "--bin=service2"])
        .arg(format!("--profile={profile}"))
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.parent().unwrap_or(dir))
        .stdout(Stdio::null()) // Cargo's errors go to stderr
        .status()
        .map_err(|e| format!("cannot run cargo to build the workers: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!(
            "cargo could not build the workers ({status}); see above"
        )),
    }
}
