//! Where the service binaries are, and making sure they are built.
//!
//! By default they sit next to the app's own executable, which is where Cargo puts every binary of
//! the workspace (`target/debug/`) and where an installer would put them too. `--service-dir DIR`
//! or the `SERVICE_DIR` environment variable point elsewhere. File names get the platform's
//! executable suffix (`service1` on Linux and macOS, `service1.exe` on Windows).
//!
//! # The build-order problem
//!
//! `cargo run` builds only the package whose binary it runs, and its dependencies. The app does
//! not *depend* on the services (it starts them as programs, it does not link them), so on a fresh
//! clone `cargo run` would build the app and leave the services unbuilt. Cargo has no stable way to
//! say "this binary needs those binaries built" (artifact dependencies are nightly-only), and a
//! build script that runs `cargo build` deadlocks on the lock the outer build holds, or needs a
//! second target directory that compiles everything twice.
//!
//! So the app asks Cargo itself, at run time, but only when Cargo started it: Cargo sets the
//! `CARGO` environment variable (the path of the `cargo` that runs us) and `CARGO_MANIFEST_DIR`
//! for the programs it runs, and releases its build lock before it starts them. The app then runs
//! `cargo build -p service1 -p service2` with the same profile. It does so on every run from Cargo,
//! not only when a binary is missing, so that a service edited since the last build is rebuilt
//! instead of silently running stale; when everything is fresh this takes a fraction of a second.
//! A deployed app, started without Cargo, never does any of this: it only looks for the files.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The two services, in the order the pipeline uses them.
pub const SERVICES: [&str; 2] = ["service1", "service2"];

/// Where the service directory came from: it decides whether the app may build the services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirSource {
    Flag,
    Env,
    NextToApp,
}

/// The directory to look for the services in: `--service-dir`, else `SERVICE_DIR`, else the
/// directory of the running executable.
pub fn service_dir(flag: Option<PathBuf>) -> Result<(PathBuf, DirSource), String> {
    if let Some(dir) = flag {
        return Ok((dir, DirSource::Flag));
    }
    if let Some(dir) = env::var_os("SERVICE_DIR").filter(|dir| !dir.is_empty()) {
        return Ok((PathBuf::from(dir), DirSource::Env));
    }
    let exe = env::current_exe().map_err(|error| {
        format!("cannot find the app's own executable ({error}): pass --service-dir DIR")
    })?;
    let dir = exe.parent().ok_or_else(|| {
        format!(
            "{} has no parent directory: pass --service-dir DIR",
            exe.display()
        )
    })?;
    Ok((dir.to_path_buf(), DirSource::NextToApp))
}

/// The path of service `name` in `dir`, with the platform's executable suffix.
pub fn executable(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", env::consts::EXE_SUFFIX))
}

/// The Cargo that started this process and the app package's directory, when Cargo started it.
pub fn started_by_cargo() -> Option<(OsString, PathBuf)> {
    let cargo = env::var_os("CARGO")?;
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")?;
    Some((cargo, PathBuf::from(manifest_dir)))
}

/// Runs `cargo build -p service1 -p service2` for the workspace of `manifest_dir`, in the profile
/// whose output directory is `exe_dir` (`debug` is the dev profile, `release` the release profile,
/// any other name a custom profile of that name). Cargo's progress goes to stderr.
pub fn build_services(cargo: &OsString, manifest_dir: &Path, exe_dir: &Path) -> Result<(), String> {
    let mut command = Command::new(cargo);
    command
        .arg("build")
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"));
    for service in SERVICES {
        command.args(["-p", service]);
    }
    match exe_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(profile) => {
            command.args(["--profile", profile]);
        }
    }
    // Cargo prints nothing on stdout for a build, but stdout is the app's output: keep it clean.
    command.stdout(Stdio::null()).stderr(Stdio::inherit());
    let status = command.status().map_err(|error| {
        format!(
            "cannot run {} to build the services: {error}",
            Path::new(cargo).display()
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo build -p service1 -p service2` failed ({status}); its errors are above"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_get_the_platform_suffix() {
        let path = executable(Path::new("bin"), "service1");
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("service1{}", env::consts::EXE_SUFFIX)
        );
        assert_eq!(path.parent(), Some(Path::new("bin")));
    }

    #[test]
    fn the_flag_wins_over_everything() {
        let (dir, source) = service_dir(Some(PathBuf::from("elsewhere"))).unwrap();
        assert_eq!((dir, source), (PathBuf::from("elsewhere"), DirSource::Flag));
    }
}
