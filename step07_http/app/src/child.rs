//! Starting the services as child processes, for when `SERVICE1_URL`/`SERVICE2_URL` are unset.
//!
//! A deployed app is given the services' URLs. On a reader's machine, `cargo run` must work alone,
//! so the app starts the missing services itself:
//!
//! 1. **Find the binary** next to the app's own executable (`target/debug/service1`, with `.exe`
//!    on Windows: [`std::env::consts::EXE_SUFFIX`]).
//! 2. **Build it if Cargo started us.** `cargo run` builds only the `app` package, never the
//!    services (nothing in `app` depends on them: they are reached over HTTP). Cargo sets the
//!    `CARGO` environment variable for the programs it runs, so when it is set the app asks that
//!    same Cargo to build the service binaries, with the same profile and target directory. On the
//!    first run this compiles them; on later runs it is a no-op that also rebuilds a service whose
//!    code you just changed, so you never run a stale one. Outside Cargo (a deployed app), nothing
//!    is built: a missing binary is an error that says what to run.
//! 3. **Start it on port 0** (`PORT=0`): the OS picks a free port, and the service reports it as
//!    its one line on stdout, `service1 listening on http://127.0.0.1:PORT`.
//! 4. **Stop it**: the process is started with `kill_on_drop`, so an error, a panic or Ctrl-C in
//!    the app never leaves a service running; [`ChildService::stop`] kills it and waits for it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a freshly started service has to say where it listens.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// A service process this app started. Dropping it kills the process.
#[derive(Debug)]
pub struct ChildService {
    pub name: &'static str,
    pub url: String,
    child: Child,
}

impl ChildService {
    /// Starts `binary` on a free loopback port with the extra environment `env`, and waits (up to
    /// [`STARTUP_TIMEOUT`]) for the line that says where it listens. `log` is where its stderr
    /// (its log) goes: the app passes `Stdio::inherit()`, so the services' log lines appear in the
    /// app's terminal.
    pub async fn start(
        name: &'static str,
        binary: &Path,
        env: &[(&str, &str)],
        log: Stdio,
    ) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .env("PORT", "0")
            .env("BIND_ADDR", "127.0.0.1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {name} from {}", binary.display()))?;
        // From here on, dropping `child` (an early return) kills the process.
        let stdout = child.stdout.take().context("no stdout pipe")?;
        let (mut stdout, mut line) = (BufReader::new(stdout), String::new());
        let read = tokio::time::timeout(STARTUP_TIMEOUT, stdout.read_line(&mut line)).await;
        if read.is_err() {
            let waited = STARTUP_TIMEOUT.as_secs();
            bail!("{name} did not say where it listens within {waited} s (see its log above)");
        }
        let Some(url) = parse_announcement(&line) else {
            bail!(
                "{name} exited or wrote something unexpected instead of `{name} listening on \
                 http://...` (see its log above)"
            );
        };
        Ok(Self { name, child, url })
    }

    /// Kills the process and waits for it to end. A kill, not a graceful stop: these services hold
    /// no state to save. The error would only say it is gone already, which is what we want.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// Stops the `children` and, when there were any, says so on stdout.
pub async fn stop_all(children: Vec<ChildService>) {
    if children.is_empty() {
        return;
    }
    let names: Vec<_> = children.iter().map(|child| child.name).collect();
    for child in children {
        child.stop().await;
    }
    println!("\nStopped {}", names.join(" and "));
}

/// The two services, in pipeline order.
pub const SERVICES: [&str; 2] = ["service1", "service2"];

/// The URL of each of the [`SERVICES`]: the one `given`, or that of a child process started here
/// for each `None`. The children come back too: dropping them kills them. `quiet` starts them with
/// `RUST_LOG=warn`, without a log line per request, for measurements.
pub async fn start_missing(
    given: [Option<String>; 2],
    quiet: bool,
) -> anyhow::Result<([String; 2], Vec<ChildService>)> {
    let missing: Vec<usize> = (0..2).filter(|&i| given[i].is_none()).collect();
    let mut urls = given.map(Option::unwrap_or_default);
    let mut children = Vec::new();
    if missing.is_empty() {
        return Ok((urls, children));
    }
    let names: Vec<_> = missing.iter().map(|&i| SERVICES[i]).collect();
    // Cargo may run for minutes: keep it off the async thread.
    let binaries = tokio::task::spawn_blocking(move || locate_or_build(&names)).await??;
    let env: &[(&str, &str)] = if quiet { &[("RUST_LOG", "warn")] } else { &[] };
    for (i, binary) in missing.into_iter().zip(binaries) {
        let name = SERVICES[i];
        let child = ChildService::start(name, &binary, env, Stdio::inherit()).await?;
        let variable = format!("{}_URL", name.to_uppercase());
        println!("Started {name} as a child process ({variable} is not set)");
        urls[i] = child.url.clone();
        children.push(child);
    }
    Ok((urls, children))
}

/// `service1 listening on http://127.0.0.1:40123` gives `http://127.0.0.1:40123`.
fn parse_announcement(line: &str) -> Option<String> {
    let (_, url) = line.trim().split_once(" listening on ")?;
    url.starts_with("http://").then(|| url.to_string())
}

/// The path of the binary `name` in `dir`, with the platform's executable suffix.
pub fn binary_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// Makes sure the binaries `names` exist, building them first when Cargo started us (see the
/// module documentation), and returns their paths in the same order. They are looked for in the
/// directory of the running executable; a test binary runs from `target/debug/deps/`, one level
/// below. This blocks while Cargo runs (seconds to minutes).
pub fn locate_or_build(names: &[&'static str]) -> anyhow::Result<Vec<PathBuf>> {
    let exe = std::env::current_exe().context("cannot tell where this program is")?;
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let dir = dir.as_path();
    if let Some(cargo) = std::env::var_os("CARGO") {
        build_with_cargo(Path::new(&cargo), dir, names)?;
    }
    let located = names.iter().map(|&name| {
        let binary = binary_path(dir, name);
        ensure!(
            binary.is_file(),
            "{name} is not built: {} does not exist; run `cargo build` in step07_http/, or set \
             {}_URL to a running {name}",
            binary.display(),
            name.to_uppercase()
        );
        Ok(binary)
    });
    located.collect()
}

/// `cargo build --workspace --bin service1 --bin service2`, into the directory this app runs
/// from. `--workspace` keeps the feature selection identical to the `cargo run` that started us,
/// so the dependencies it already compiled are reused instead of compiled again.
fn build_with_cargo(cargo: &Path, dir: &Path, names: &[&str]) -> anyhow::Result<()> {
    let missing = names.iter().any(|name| !binary_path(dir, name).is_file());
    // `target/debug` is the `dev` profile; `target/release` and custom profiles use their name.
    let profile = match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let mut command = std::process::Command::new(cargo);
    command
        .args(["build", "--workspace", "--profile", profile])
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.parent().unwrap_or(dir))
        .args(names.iter().flat_map(|name| ["--bin", name]))
        // A build target set for the app would nest the output one directory deeper.
        .env_remove("CARGO_BUILD_TARGET")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if missing {
        eprintln!("Building the services with Cargo (the first run takes a while)...");
    } else {
        // Already built: stay quiet unless something needs recompiling and has something to say.
        command.arg("--quiet");
    }
    let status = command
        .status()
        .with_context(|| format!("cannot build the services: cannot run {}", cargo.display()))?;
    ensure!(
        status.success(),
        "cannot build the services: `cargo build --bin {}` failed ({status}); its errors are above",
        names.join(" --bin ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_announcement_line_gives_the_url() {
        assert_eq!(
            parse_announcement("service1 listening on http://127.0.0.1:40123\n").as_deref(),
            Some("http://127.0.0.1:40123")
        );
        assert_eq!(
            parse_announcement("service2 listening on http://[::1]:8080").as_deref(),
            Some("http://[::1]:8080")
        );
        assert_eq!(parse_announcement("hello"), None);
        assert_eq!(parse_announcement(""), None);
    }

    #[test]
    fn binary_names_carry_the_platform_suffix() {
        let path = binary_path(Path::new("bin"), "service1");
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("service1{}", std::env::consts::EXE_SUFFIX)
        );
    }
}
