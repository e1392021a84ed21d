//! Where each service runs: at the URL in `SERVICE1_URL`/`SERVICE2_URL`, or in a child process
//! started here, as in step 06, on a free port that the service prints.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A service: its URL, and its process if started here, which dropping the `Service` kills.
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

    /// Starts `binary` from the app's directory with `PORT=0`, and waits for where it listens.
    pub async fn start(binary: &str, env: &[(&str, &str)]) -> Result<Service, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let path = exe.with_file_name(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
        let mut child = Command::new(&path)
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout pipe")?);
        let mut line = String::new();
        // `timeout` gives up on a future that is not done in time: `Err` if 10 s pass first.
        let read = tokio::time::timeout(Duration::from_secs(10), stdout.read_line(&mut line));
        let (read, child) = (read.await, Some(child));
        let url = line
            .split_once(" listening on ")
            .map(|(_, url)| url.trim().to_string());
        match (read, url) {
            (Ok(Ok(_)), Some(url)) => Ok(Service { url, child }),
            _ => Err(format!("{binary} did not say where it listens")), // `child` dropped: killed
        }
    }
}

/// `cargo run` builds the app only. When Cargo started it (it sets `CARGO`), ask Cargo to build
/// `binaries` too, so that an edit of component1 shows in this very run.
pub fn build_if_run_by_cargo(binaries: &[&str]) -> Result<(), String> {
    let Some(cargo) = std::env::var_os("CARGO") else {
        return Ok(());
    };
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let mut build = std::process::Command::new(cargo);
    build
        .args(["build", "--quiet", "--workspace", "--manifest-path"])
        .arg(manifest);
    if !cfg!(debug_assertions) {
        build.arg("--release"); // the app was built with `--release`: so are they
    }
    build.args(binaries.iter().flat_map(|binary| ["--bin", binary]));
    let status = build.status().map_err(|e| format!("cargo: {e}"))?;
    let failed = format!("building {binaries:?} failed ({status}); see above");
    status.success().then_some(()).ok_or(failed)
}
