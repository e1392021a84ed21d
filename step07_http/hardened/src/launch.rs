//! The hardened services as child processes of the hardened app, as in step 06: started on a free
//! port that the service prints, killed when dropped. (The lesson's `cargo run` serves its
//! services inside the app's process instead; the hardened app, `cargo xtask bench` and `faults`
//! run each service as a program of its own, which can crash, be restarted or upgraded alone.)

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A service: its URL, and its process if started here, which dropping the `Service` kills.
pub struct Service {
    pub url: String,
    pub child: Option<Child>,
}

impl Service {
    /// Starts `binary`, from the app's own folder, with `PORT=0` and `env`; its first line says
    /// where it listens: `service1 listening on http://127.0.0.1:40123`.
    pub async fn start(binary: &str, env: &[(&str, &str)]) -> Result<Service, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let path = exe.with_file_name(format!("{binary}{}", std::env::consts::EXE_SUFFIX));
        let mut child = Command::new(&path)
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", path.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("no stdout pipe")?);
        let mut line = String::new();
        let _ = stdout.read_line(&mut line).await; // a failed read leaves no URL: the `None` below
        let url = match line.split_once(" listening on ") {
            Some((_, url)) => url.trim().to_string(),
            None => return Err(format!("{binary} did not say where it listens")), // `child` is killed
        };
        // The rest of its stdout goes to ours, in the background: a handler's `println!` shows.
        tokio::spawn(async move { tokio::io::copy(&mut stdout, &mut tokio::io::stdout()).await });
        Ok(Service {
            url,
            child: Some(child),
        })
    }
}

/// `cargo run -p hardened` builds the hardened app only (it calls the services, it does not link
/// them). When Cargo started it (Cargo sets `CARGO`), ask Cargo to build them too: an edit of
/// component1 shows in the next run instead of a stale service.
pub fn build_if_run_by_cargo(binaries: &[&str]) -> Result<(), String> {
    let cargo = match std::env::var_os("CARGO") {
        Some(cargo) => cargo,
        None => return Ok(()), // started without Cargo: the services are built already
    };
    // In the app's own profile: `cargo run --release` has them built with `--release` too.
    let profile = if cfg!(debug_assertions) {
        "dev"
    } else {
        "release"
    };
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let mut build = std::process::Command::new(cargo);
    build.args(["build", "--quiet", "--workspace", "--profile", profile]);
    build.arg("--manifest-path").arg(manifest);
    for binary in binaries {
        build.args(["--bin", binary]);
    }
    match build.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "building {binaries:?} failed ({status}); see above"
        )),
        Err(error) => Err(format!("cannot run cargo: {error}")),
    }
}
