//! The two workers `cargo run` starts (workers usually run on their own: the app only talks to
//! the broker). `cargo run` builds only the app, so when Cargo started it (it sets `CARGO`), the
//! app first has Cargo build the workers: a no-op when up to date, a rebuild after an edit.

use std::process::{Child, Command, Stdio};

/// The worker processes this app started; dropping this value stops them.
pub struct LocalWorkers(Vec<Child>);

impl LocalWorkers {
    pub fn start() -> Result<LocalWorkers, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find the app: {e}"))?;
        let dir = exe.parent().ok_or("the app has no directory")?;
        if let Some(cargo) = std::env::var_os("CARGO") {
            // In the app's own profile, so into the app's own directory.
            let profile = if cfg!(debug_assertions) {
                "--profile=dev"
            } else {
                "--profile=release"
            };
            let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "--bin=service1",
                    "--bin=service2",
                    profile,
                ])
                .args(["--manifest-path", manifest])
                .status()
                .map_err(|e| format!("cannot run cargo to build the workers: {e}"))?;
            if !status.success() {
                return Err(format!("cargo could not build the workers ({status})"));
            }
        }
        let mut workers = LocalWorkers(vec![]);
        for name in ["service1", "service2"] {
            let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            let child = Command::new(&path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn();
            // On error, `workers` is dropped here and stops the one already started.
            workers
                .0
                .push(child.map_err(|e| format!("cannot start {}: {e}", path.display()))?);
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
