//! `cargo xtask test`: run `cargo test --workspace` in this crate, in every step (so each
//! step's `hardened/` crate too, which a plain `cargo test` leaves out) and in every benchmark
//! workspace, streaming the output; then smoke runs of `cargo xtask bench` and `cargo xtask
//! faults`, so the measuring commands cannot rot; then one summary table and one closing line
//! with the totals. Each workspace builds into its own `target/`, whatever `CARGO_TARGET_DIR`
//! says (see `cargo::in_workspace`).

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::bench;
use crate::cargo;
use crate::child;
use crate::faults;
use crate::steps::{self, BENCH_WORKSPACES, STEPS};
use crate::table::{self, Table};

/// A step's whole `cargo test`, build included, that takes longer than this is stopped: a hung
/// test must not hold CI for an hour.
const TEST_LIMIT: Duration = Duration::from_secs(20 * 60);

/// The counts from the `test result:` lines of one `cargo test` run.
#[derive(Debug, Default, PartialEq)]
struct Counts {
    passed: u64,
    failed: u64,
    ignored: u64,
}

pub fn run() -> ExitCode {
    let root = steps::repo_root();
    let mut table = Table::new(&["step", "status", "passed", "failed", "ignored", "time"]);
    let mut totals = Counts::default();
    let mut any_failed = false;

    // This crate first: it checks what every step must keep (README, golden file, manifests).
    // `--lib --bins` builds only the test harnesses (this crate's and `measure`'s), never
    // `target/debug/xtask`, which is running now (Windows cannot replace a running executable).
    // `--all-features` tests `measure`'s clap flags and async loop, which the steps use.
    let frame = (
        "xtask, measure (repository frame)",
        root.clone(),
        &["--workspace", "--all-features", "--lib", "--bins"][..],
    );
    let targets = std::iter::once(frame)
        .chain(
            // `--workspace`: a step's `hardened/` is a member but not a default member.
            STEPS
                .iter()
                .map(|step| (step.dir, root.join(step.dir), &["--workspace"][..])),
        )
        .chain(
            BENCH_WORKSPACES
                .iter()
                .map(|dir| (*dir, root.join(dir), &["--workspace"][..])),
        );
    for (name, dir, extra_args) in targets {
        if !dir.join("Cargo.toml").is_file() {
            table.push(vec![name.to_string(), "not written yet".to_string()]);
            continue;
        }
        eprintln!("\n==> cargo test in {name}");
        let started = Instant::now();
        let (status, counts) = test_one(&dir, extra_args);
        if status != "ok" {
            any_failed = true;
        }
        table.push(vec![
            name.to_string(),
            status,
            counts.passed.to_string(),
            counts.failed.to_string(),
            counts.ignored.to_string(),
            table::seconds(started.elapsed()),
        ]);
        totals.passed += counts.passed;
        totals.failed += counts.failed;
        totals.ignored += counts.ignored;
    }

    eprintln!("\n==> cargo xtask bench --smoke");
    let started = Instant::now();
    let smoke = match bench::run(bench::Mode::Smoke) {
        Ok(()) => "ok".to_string(),
        Err(error) => {
            any_failed = true;
            format!("FAILED: {error}")
        }
    };
    table.push(vec![
        "bench --smoke".to_string(),
        smoke,
        String::new(),
        String::new(),
        String::new(),
        table::seconds(started.elapsed()),
    ]);

    eprintln!("\n==> cargo xtask faults --smoke");
    let started = Instant::now();
    let smoke = match faults::run(bench::Mode::Smoke) {
        Ok(()) => "ok".to_string(),
        Err(error) => {
            any_failed = true;
            format!("FAILED: {error}")
        }
    };
    table.push(vec![
        "faults --smoke".to_string(),
        smoke,
        String::new(),
        String::new(),
        String::new(),
        table::seconds(started.elapsed()),
    ]);

    println!("\n{table}");
    println!(
        "tests: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.ignored
    );
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs `cargo test` in `dir`; the status is `ok` or `FAILED: <why>`.
fn test_one(dir: &Path, extra_args: &[&str]) -> (String, Counts) {
    let mut command = cargo::in_workspace(dir);
    command.arg("test").args(extra_args);
    let mut counts = Counts::default();
    let finished = child::run_streaming(command, TEST_LIMIT, |line| {
        println!("{line}");
        if let Some(found) = parse_test_result(line) {
            counts.passed += found.passed;
            counts.failed += found.failed;
            counts.ignored += found.ignored;
        }
    });
    let status = match finished {
        Err(e) => format!("FAILED: cannot start cargo: {e}"),
        Ok(finished) => match finished.status {
            None => format!(
                "FAILED: still running after {} min",
                TEST_LIMIT.as_secs() / 60
            ),
            Some(status) if status.success() => "ok".to_string(),
            Some(status) => format!("FAILED: cargo test exited with {status}"),
        },
    };
    (status, counts)
}

/// Reads `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ...`.
fn parse_test_result(line: &str) -> Option<Counts> {
    let rest = line.trim_start().strip_prefix("test result: ")?;
    let (_verdict, fields) = rest.split_once(". ")?;
    let mut counts = Counts::default();
    for field in fields.split(';') {
        let mut words = field.split_whitespace();
        let (Some(number), Some(label)) = (words.next(), words.next()) else {
            continue;
        };
        let Ok(number) = number.parse() else {
            continue;
        };
        match label {
            "passed" => counts.passed = number,
            "failed" => counts.failed = number,
            "ignored" => counts.ignored = number,
            _ => {}
        }
    }
    Some(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passing_result_line_gives_its_counts() {
        let line = "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; \
                    finished in 0.01s";
        assert_eq!(
            parse_test_result(line),
            Some(Counts {
                passed: 3,
                failed: 0,
                ignored: 1
            })
        );
    }

    #[test]
    fn a_failing_result_line_gives_its_failures() {
        let line = "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out";
        assert_eq!(
            parse_test_result(line),
            Some(Counts {
                passed: 1,
                failed: 2,
                ignored: 0
            })
        );
    }

    #[test]
    fn other_lines_are_not_results() {
        assert_eq!(parse_test_result("test tests::test_process ... ok"), None);
        assert_eq!(parse_test_result("running 1 test"), None);
    }
}
