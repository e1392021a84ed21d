//! What every test needs: the plugin files in place, running the app, reading what it printed,
//! scratch directories.

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// Every plugin package the tests load: the real ones and the broken fixtures.
const PLUGIN_PACKAGES: [&str; 6] = [
    "component1",
    "component2",
    "hex_transformer",
    "panicking_processor",
    "future_abi_plugin",
    "plain_library",
];

/// How long building the plugins may take before the tests give up on it.
const BUILD_LIMIT: Duration = Duration::from_secs(240);

/// What one run of the app printed, and how it ended.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the app with `args`, with `PLUGIN_DIR` cleared so the caller's shell cannot leak in.
pub fn run_app(args: &[&str]) -> Run {
    run(app().args(args))
}

/// The app binary, with every plugin file in place and a clean environment as far as this step
/// is concerned.
pub fn app() -> Command {
    plugin_files_next_to_the_app();
    let mut command = Command::new(env!("CARGO_BIN_EXE_app"));
    command.env_remove("PLUGIN_DIR");
    command
}

pub fn run(command: &mut Command) -> Run {
    let output = command
        .output()
        .expect("the app binary that Cargo built starts");
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The directory the app loads plugins from by default: its own, where `cargo test` puts them.
pub fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_app"))
        .parent()
        .expect("the app binary sits in a directory")
        .to_path_buf()
}

/// A directory as the app prints it: made absolute, in this platform's spelling.
pub fn as_the_app_shows_it(dir: &Path) -> PathBuf {
    std::path::absolute(dir).expect("the current directory exists")
}

/// A plugin's file name on this platform: `libNAME.so`, `libNAME.dylib` or `NAME.dll`.
pub fn plugin_file(name: &str) -> String {
    libloading::library_filename(name)
        .into_string()
        .expect("plugin names are ASCII")
}

/// An empty directory of this test's own under Cargo's scratch space for integration tests.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(test);
    if dir.exists() {
        fs::remove_dir_all(&dir).expect("the old scratch directory can be removed");
    }
    fs::create_dir_all(&dir).expect("the scratch directory can be created");
    dir
}

/// The run failed the way the app promises: exit status 1 and exactly one line on stderr, an
/// `error:` that contains every one of `fragments`. Returns that line.
pub fn assert_one_error_line(run: &Run, fragments: &[&str]) -> String {
    assert_eq!(
        run.status.code(),
        Some(1),
        "expected exit status 1, got {} (a signal means a crash); stderr:\n{}",
        run.status,
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one stderr line, got:\n{}",
        run.stderr
    );
    let line = lines[0];
    assert!(line.starts_with("error: "), "not an error line: {line}");
    for fragment in fragments {
        assert!(line.contains(fragment), "`{fragment}` missing from: {line}");
    }
    line.to_string()
}

/// Makes sure every plugin file sits next to the app binary, once per test run.
///
/// `cargo test` has compiled the plugin crates by now (they are the app's dev-dependencies), but
/// Cargo keeps a dependency's files with its intermediate build files, not in `target/debug/`.
/// `cargo build -p NAME` is Cargo's documented way to put a package's files there; with the
/// compiling already done, it mostly copies. (Cargo releases its build lock before it runs the
/// tests, so this nested build does not wait on the outer one; the time limit is there in case
/// another Cargo, an editor's for instance, holds the lock for long.)
fn plugin_files_next_to_the_app() {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(problem) = BUILT.get_or_init(build_plugin_files) {
        panic!("{problem}");
    }
}

fn build_plugin_files() -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from(env!("CARGO")));
    let workspace_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&workspace_manifest);
    // Build with the profile the app was built with: its directory is named after it.
    match app_dir().file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(profile) => {
            command.args(["--profile", profile]);
        }
    }
    for package in PLUGIN_PACKAGES {
        command.args(["-p", package]);
    }
    let description = format!("{command:?}");
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot start {description}: {error}"))?;

    // Read stderr on its own thread so a chatty build can never fill the pipe and stall.
    let mut stderr = child.stderr.take().expect("stderr was piped");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < BUILD_LIMIT => thread::sleep(Duration::from_millis(50)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{description} did not finish within {BUILD_LIMIT:?}; is another cargo \
                     holding this target directory?"
                ));
            }
            Err(error) => return Err(format!("cannot wait for {description}: {error}")),
        }
    };
    let output = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("{description} failed ({status}):\n{output}"));
    }
    for package in PLUGIN_PACKAGES {
        let file = app_dir().join(plugin_file(package));
        if !file.is_file() {
            return Err(format!(
                "{description} succeeded but left no {}",
                file.display()
            ));
        }
    }
    Ok(())
}
