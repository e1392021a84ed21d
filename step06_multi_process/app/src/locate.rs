//! Where the service binaries are, and building them when Cargo started the app.
//!
//! By default they sit next to the app's own executable, which is where Cargo puts every binary
//! of the workspace (`target/debug/`). `--service-dir DIR` or `SERVICE_DIR` point elsewhere, and
//! mean "use these": nothing is built then. Why the app builds the services at all is in the
//! README ("How `cargo run` builds the services"): `cargo run` builds only the app.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::log;

/// The directory to start the services from: `chosen` (`--service-dir` or `SERVICE_DIR`), else
/// the app's own directory, after `cargo build -p service1 -p service2` when Cargo started us.
pub fn service_dir(chosen: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = chosen {
        return Ok(dir.to_path_buf());
    }
    let exe = env::current_exe().context("cannot find the app's own executable")?;
    let dir = exe
        .parent()
        .context("the app's executable has no directory")?;
    if let Some((cargo, manifest_dir)) = started_by_cargo() {
        log(format_args!(
            "started by Cargo: building the services first (`cargo build -p service1 -p service2`)"
        ));
        build_services(&cargo, &manifest_dir, dir)?;
    }
    Ok(dir.to_path_buf())
}

/// The path of service `name` in `dir`, with the platform's executable suffix (`.exe` on
/// Windows).
pub fn executable(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", env::consts::EXE_SUFFIX))
}

/// The Cargo that started this process and the app package's directory, when Cargo started it:
/// Cargo sets both variables for the programs it runs.
pub fn started_by_cargo() -> Option<(OsString, PathBuf)> {
    let cargo = env::var_os("CARGO")?;
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")?;
    Some((cargo, PathBuf::from(manifest_dir)))
}

/// Runs `cargo build -p service1 -p service2` for the workspace of `manifest_dir`, in the profile
/// whose output directory is `exe_dir` (`debug`, `release`, or a custom profile's name).
pub fn build_services(cargo: &OsString, manifest_dir: &Path, exe_dir: &Path) -> anyhow::Result<()> {
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "-p",
            "service1",
            "-p",
            "service2",
            "--manifest-path",
        ])
        .arg(manifest_dir.join("Cargo.toml"));
    match exe_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(profile) => {
            command.args(["--profile", profile]);
        }
    }
    // Cargo's progress goes to stderr; stdout is the app's output, kept clean.
    let status = command
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("cannot run {} to build the services", cargo.display()))?;
    if !status.success() {
        bail!("`cargo build -p service1 -p service2` failed ({status}); its errors are above");
    }
    Ok(())
}
