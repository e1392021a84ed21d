//! Edit a component, `cargo run` again, and the edited code answers: the app never starts a
//! stale worker.
//!
//! The workers run inside the app under `cargo run`, so the app is rebuilt with the edited
//! component. This test checks it the way a reader meets it, without touching the repository: it
//! copies the step to a scratch directory under `target/`, builds the copy, edits the copy's
//! component1 to triple instead of double, and runs `cargo run` there. The copy uses this
//! workspace's build directory (Cargo's `build-dir`) for its intermediate files, so lapin, tokio
//! and the rest are not compiled again: only the step's own crates are.

use crate::support::{Captured, Topology, require_broker};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A cold build of the copy's own crates on a busy 2-core machine fits well within this.
const BUILD_LIMIT: Duration = Duration::from_secs(600);

#[test]
#[cfg_attr(skip_broker_tests, ignore = "STEP08_SKIP_BROKER_TESTS=1")]
fn editing_component1_then_cargo_run_runs_the_edited_worker() {
    require_broker();
    let topology = Topology::new("stale");
    let step = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // `target/debug/app` -> `target`
    let target = Path::new(env!("CARGO_BIN_EXE_app"))
        .ancestors()
        .nth(2)
        .expect("the app binary is in target/<profile>/");
    let scratch = target.join("stale-worker-test");
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&step, &scratch.join("step08_broker"));
    // hardened/'s path dependency, at the same place relative to it: Cargo reads every
    // member's manifest.
    copy_dir(
        &step.join("../bench/measure"),
        &scratch.join("bench/measure"),
    );
    let copy = scratch.join("step08_broker");
    let cargo = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO"));
        command
            .args(args)
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", scratch.join("target"))
            .env("CARGO_BUILD_BUILD_DIR", target)
            .env("QUEUE_PREFIX", &topology.prefix);
        run_bounded(command)
    };

    let (built, _, errors) = cargo(&["build", "--quiet"]);
    assert!(built, "building the copy failed:\n{errors}");

    let lib = copy.join("component1/src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    assert!(
        source.contains("value.checked_mul(2)"),
        "component1 no longer doubles this way"
    );
    std::fs::write(
        &lib,
        source.replace("value.checked_mul(2)", "value.checked_mul(3)"),
    )
    .unwrap();

    let (ran, stdout, stderr) = cargo(&["run", "--quiet"]);
    assert!(ran, "cargo run failed:\n{stderr}");
    assert!(
        stdout.contains("\nAnalysis: 126 maps to Value-0126\n"),
        "the worker that answered is not the edited one:\n{stdout}"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Runs `command` to its end, at most [`BUILD_LIMIT`]; returns success, stdout and stderr.
fn run_bounded(mut command: Command) -> (bool, String, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo starts");
    let stdout = Captured::collect(child.stdout.take().expect("piped stdout"));
    let stderr = Captured::collect(child.stderr.take().expect("piped stderr"));
    let deadline = Instant::now() + BUILD_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "cargo took over {BUILD_LIMIT:?}; stderr:\n{}",
                stderr.text()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    stdout.wait_closed();
    stderr.wait_closed();
    (status.success(), stdout.text(), stderr.text())
}

/// Copies the directory `from` to `to`, leaving out every `target` directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &to.join(entry.file_name()));
            }
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
