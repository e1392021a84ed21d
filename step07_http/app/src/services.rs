//! Where each service runs. A deployed app is given its services' URLs (`SERVICE1_URL`...). On a
//! reader's machine `cargo run` must work alone, so the app starts a service whose URL is not set,
//! as step 06 started its children: the binary next to its own, on a free port, which the service
//! prints on its one line of stdout (`service1 listening on http://127.0.0.1:40123`).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running service: its URL, and the child process when this app started it. Dropping a
/// `Service` kills that child (`kill_on_drop`), on every way out of `main`, errors included.
#[derive(Debug)]
pub struct Service {
    pub url: String,
    pub child: Option<Child>,
}

impl Service {
    /// The service at the URL in `variable` if it is set; otherwise `binary`, started here.
    pub async fn from_env_or_start(variable: &str, binary: &str) -> Result<Service, String> {
        match std::env::var(variable) {
            Ok(url) => Ok(Service { url, child: None }),
            Err(_) => Service::start(binary, &[]).await,
        }
    }

    /// Starts `binary` (found next to this program) with `PORT=0` and the extra environment `env`,
    /// and waits up to 10 s for the line that says where it listens.
    pub async fn start(binary: &str, env: &[(&str, &str)]) -> Result<Service, String> {
        let path = next_to_this_program(binary)?;
        let mut child = Command::new(&path)
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("cannot start {}: {error}", path.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let (mut stdout, mut line) = (BufReader::new(stdout), String::new());
        let read = stdout.read_line(&mut line);
        // `timeout` gives up on a future that takes too long: `Err` if 10 s pass first.
        let read = tokio::time::timeout(Duration::from_secs(10), read).await;
        let url = match read {
            Ok(Ok(_)) => line.split_once(" listening on ").map(|(_, url)| url.trim()),
            _ => None,
        };
        let url = url.ok_or(format!("{binary} did not say where it listens (see above)"))?;
        let url = url.to_string();
        Ok(Service {
            url,
            child: Some(child),
        })
    }
}

/// `cargo run` builds the app only: nothing in it depends on the services, which it reaches over
/// HTTP. When Cargo started this program (it sets `CARGO`), ask it to build `binaries` too, so
/// an edit of component1 shows in this very run. Elsewhere, nothing is built.
pub fn build_if_run_by_cargo(binaries: &[&str]) -> Result<(), String> {
    let Some(cargo) = std::env::var_os("CARGO") else {
        return Ok(());
    };
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let mut command = std::process::Command::new(cargo);
    command.args(["build", "--quiet", "--manifest-path", manifest]);
    if !cfg!(debug_assertions) {
        command.arg("--release"); // this program was built with `--release`: so are they
    }
    for binary in binaries {
        command.args(["--bin", binary]);
    }
    let status = command
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err(format!(
            "building {binaries:?} failed ({status}); see above"
        ));
    }
    Ok(())
}

/// `binary` (`service1.exe` on Windows) in this program's directory, `target/debug/` under Cargo.
fn next_to_this_program(binary: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|error| format!("where am I? {error}"))?;
    let path = exe.with_file_name(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        let path = path.display();
        return Err(format!(
            "{path} does not exist: run `cargo build` in step07_http/"
        ));
    }
    Ok(path)
}
