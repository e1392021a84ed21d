//! What every test needs: running the app, reading what it printed, scratch directories.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

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

/// The app binary, with a clean environment as far as this step is concerned.
pub fn app() -> Command {
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
