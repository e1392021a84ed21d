//! Where the service binaries are, and having Cargo build them when Cargo started the app.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/debug/`, where Cargo puts the services. Under `cargo run`, this has Cargo build them.
pub fn service_dir() -> Result<PathBuf, String> {
    build_services_if_run_by_cargo()?;
    let app = env::current_exe().map_err(|error| format!("cannot find the app's path: {error}"))?;
    Ok(app.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// `cargo run` builds the app and what it links, not the programs it starts. So when Cargo started
/// the app (it sets `CARGO` and `CARGO_MANIFEST_DIR` then), the app asks it to build the services
/// first, in the app's profile: an edited component is never run stale.
fn build_services_if_run_by_cargo() -> Result<(), String> {
    let (Some(cargo), Some(app_dir)) = (env::var_os("CARGO"), env::var_os("CARGO_MANIFEST_DIR"))
    else {
        return Ok(()); // not started by Cargo: the services are built already
    };
    let mut build = Command::new(cargo);
    build.current_dir(app_dir); // in the step's workspace, wherever `cargo run` was typed
    build.args(["build", "-q", "-p", "service1", "-p", "service2"]);
    if !cfg!(debug_assertions) {
        build.arg("--release"); // a release build of the app starts release services
    }
    match build.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("building the services failed ({status})")),
        Err(error) => Err(format!("cannot run cargo to build the services: {error}")),
    }
}
