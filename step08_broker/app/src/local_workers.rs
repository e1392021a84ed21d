//! The two workers `cargo run` starts, so that one command shows the whole pipeline.
//!
//! Workers usually run on their own (other terminals, machines): the app only talks to the
//! broker. Here the app starts one `service1` and one `service2` from its own directory, where
//! Cargo puts every binary of the workspace. `cargo run` builds only the app, so when Cargo
//! started it (Cargo then sets `CARGO`), the app first asks Cargo to build the workers: nothing
//! to do when they are up to date, a rebuild when you just edited component1. No stale worker.

use std::process::{Child, Command, Stdio};

/// The worker processes this app started; dropping this value stops them.
pub struct LocalWorkers(Vec<Child>);

impl LocalWorkers {
    pub fn start() -> Result<LocalWorkers, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the app: {e}"))?;
        let dir = exe.parent().ok_or("the app has no directory")?;
        if let Some(cargo) = std::env::var_os("CARGO") {
            // The profile of `dir` (`target/debug` is `dev`), and the same target directory.
            let profile = match dir.file_name().and_then(|name| name.to_str()) {
                Some("debug") | None => "dev",
                Some(other) => other,
            };
            let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
            let status = Command::new(cargo)
                .args(["build", "--quiet", "--bin=service1", "--bin=service2"])
                .args([&format!("--profile={profile}"), "--manifest-path", manifest])
                .arg("--target-dir")
                .arg(dir.parent().unwrap_or(dir))
                .status()
                .map_err(|e| format!("cannot run cargo to build the workers: {e}"))?;
            if !status.success() {
                return Err(format!("cargo could not build the workers ({status})"));
            }
        }
        let mut workers = LocalWorkers(vec![]);
        for name in ["service1", "service2"] {
            let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            let child = Command::new(&path).stdin(Stdio::null()).stdout(Stdio::null()).spawn();
            // On error, `workers` is dropped here and stops the one already started.
            workers.0.push(child.map_err(|e| format!("cannot start {}: {e}", path.display()))?);
        }
        Ok(workers)
    }
}

impl Drop for LocalWorkers {
    /// Kills each worker and waits for it to end: none outlives the app.
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
