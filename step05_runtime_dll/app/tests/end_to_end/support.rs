//! What every end-to-end test needs: the plugin files built, running a binary, reading what it
//! printed, scratch directories. The hardened app's tests include this same file
//! (`hardened/tests/end_to_end/main.rs`), so each function takes the binary it is about.

use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// Every plugin package the tests load: the lesson's two and the hardened app's fixtures.
const PLUGIN_PACKAGES: [&str; 7] = [
    "component1",
    "component2",
    "hex_transformer",
    "panicking_processor",
    "future_abi_plugin",
    "plain_library",
    "version_only_library",
];

/// How long building the plugins may take before the tests give up on it.
const BUILD_LIMIT: Duration = Duration::from_secs(240);

/// What one run printed, and how it ended.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// `binary`, with every plugin file built beside it and `PLUGIN_DIR` cleared, so the caller's
/// shell cannot leak in.
pub fn command(binary: &Path) -> Command {
    plugin_files_next_to(binary);
    let mut command = Command::new(binary);
    command.env_remove("PLUGIN_DIR");
    command
}

pub fn run(command: &mut Command) -> Run {
    let output = command
        .output()
        .expect("the binary that Cargo built starts");
    Run {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A plugin's file name on this platform: `libNAME.so`, `libNAME.dylib` or `NAME.dll`.
pub fn plugin_file(name: &str) -> String {
    use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
    format!("{DLL_PREFIX}{name}{DLL_SUFFIX}")
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

/// `binary` placed alone in `dir`, as a second name of the same file (a hard link), so that the
/// app there looks for its plugins in `dir`. A hard link, not a copy: a file just written can be
/// refused for running while another test's child process still holds it open for writing.
pub fn binary_in(dir: &Path, binary: &Path) -> PathBuf {
    plugin_files_next_to(binary);
    let placed = dir.join(binary.file_name().expect("a binary has a file name"));
    if fs::hard_link(binary, &placed).is_err() {
        fs::copy(binary, &placed).expect("the binary can be copied");
    }
    placed
}

/// Puts a copy of plugin `from`'s file (built next to `binary`) in `dir`, under plugin `to`'s
/// file name: what a user does who drops another file in a plugin's place.
pub fn plugin_as(dir: &Path, binary: &Path, from: &str, to: &str) {
    let built = binary.with_file_name(plugin_file(from));
    fs::copy(&built, dir.join(plugin_file(to)))
        .unwrap_or_else(|e| panic!("cannot copy {}: {e}", built.display()));
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

/// Makes sure every plugin file sits next to `binary`, once per test run.
///
/// Nothing links the plugin crates, so `cargo test` alone does not put their files in
/// `target/debug/`. `cargo build -p NAME` is Cargo's own way to put them there. (Cargo releases
/// its build lock before it runs the tests, so this nested build does not wait on the outer one;
/// the time limit is there in case another Cargo, an editor's, holds the lock for long.)
fn plugin_files_next_to(binary: &Path) {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(problem) = BUILT.get_or_init(|| build_plugin_files(binary)) {
        panic!("{problem}");
    }
}

fn build_plugin_files(binary: &Path) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let workspace_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--manifest-path"])
        .arg(&workspace_manifest);
    let dir = binary.parent().expect("a binary sits in a directory");
    // Build with the profile the binary was built with: its directory is named after it.
    match dir.file_name().and_then(|name| name.to_str()) {
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
        let file = dir.join(plugin_file(package));
        if !file.is_file() {
            return Err(format!(
                "{description} succeeded but left no {}",
                file.display()
            ));
        }
    }
    Ok(())
}
