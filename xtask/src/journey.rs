//! `cargo xtask journey`: build and run every step in order, as a reader would with `cargo run`
//! in each directory, and check that each one printed the invariant lines. Each step builds into
//! its own `target/`, whatever `CARGO_TARGET_DIR` says (see `cargo::in_workspace`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::cargo;
use crate::child;
use crate::steps::{self, INVARIANT_LINES, STEPS, Step};
use crate::table::{self, Table};

/// A step's `cargo run` (its build already done) that takes longer than this is stopped.
const RUN_LIMIT: Duration = Duration::from_secs(300);

enum Outcome {
    Ok,
    Failed(String),
    Skipped(String),
    NotWrittenYet,
}

pub fn run() -> ExitCode {
    let mut table = Table::new(&["step", "architecture", "status", "time"]);
    let mut any_failed = false;
    for (index, step) in STEPS.iter().enumerate() {
        eprintln!(
            "\n==> [{}/{}] {}: {}",
            index + 1,
            STEPS.len(),
            step.dir,
            step.architecture
        );
        let started = Instant::now();
        let outcome = run_step(step);
        let time = table::seconds(started.elapsed());
        let (status, time) = match outcome {
            Outcome::Ok => ("ok".to_string(), time),
            Outcome::Failed(reason) => {
                any_failed = true;
                eprintln!("FAILED: {}: {reason}", step.dir);
                (format!("FAILED: {reason}"), time)
            }
            Outcome::Skipped(reason) => {
                eprintln!("skipped: {}: {reason}", step.dir);
                (format!("skipped: {reason}"), "-".to_string())
            }
            Outcome::NotWrittenYet => ("not written yet".to_string(), "-".to_string()),
        };
        table.push(vec![
            step.dir.to_string(),
            step.architecture.to_string(),
            status,
            time,
        ]);
    }
    println!("\n{table}");
    if any_failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_step(step: &Step) -> Outcome {
    let dir = steps::repo_root().join(step.dir);
    if !dir.join("Cargo.toml").is_file() {
        eprintln!("not written yet: {} has no Cargo.toml", dir.display());
        return Outcome::NotWrittenYet;
    }
    if let Err(reason) = step.needs.check() {
        return Outcome::Skipped(reason);
    }

    // Build first, with Cargo's progress on the terminal: a first build can take minutes.
    let build = cargo::in_workspace(&dir).arg("build").status();
    match build {
        Ok(status) if status.success() => {}
        Ok(status) => return Outcome::Failed(format!("`cargo build` exited with {status}")),
        Err(e) => return Outcome::Failed(format!("cannot start cargo: {e}")),
    }

    // Then exactly what a reader types in the step directory.
    let mut run = cargo::in_workspace(&dir);
    run.args(["run", "--quiet"]);
    let finished = match child::run_streaming(run, RUN_LIMIT, |line| println!("{line}")) {
        Ok(finished) => finished,
        Err(e) => return Outcome::Failed(format!("cannot start cargo: {e}")),
    };
    match finished.status {
        None => Outcome::Failed(format!(
            "`cargo run` still running after {} s; stopped it",
            RUN_LIMIT.as_secs()
        )),
        Some(status) if !status.success() => {
            Outcome::Failed(format!("`cargo run` exited with {status}"))
        }
        Some(_) => match missing_invariant_lines(&finished.stdout_lines) {
            missing if missing.is_empty() => Outcome::Ok,
            missing => Outcome::Failed(format!("output lacks `{}`", missing.join("`, `"))),
        },
    }
}

/// The invariant lines that no line of the output equals.
fn missing_invariant_lines(output: &[String]) -> Vec<&'static str> {
    INVARIANT_LINES
        .into_iter()
        .filter(|wanted| !output.iter().any(|line| line.trim_end() == *wanted))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn output_with_both_invariant_lines_passes() {
        let output =
            lines("Input value: 42\nAnalysis: 84 maps to Value-0084\n\nExecution complete");
        assert!(missing_invariant_lines(&output).is_empty());
    }

    #[test]
    fn output_without_execution_complete_is_reported() {
        let output = lines("Analysis: 84 maps to Value-0084");
        assert_eq!(missing_invariant_lines(&output), ["Execution complete"]);
    }

    #[test]
    fn an_invariant_inside_a_longer_line_does_not_count() {
        let output =
            lines("Pipeline analysis: Analysis: 84 maps to Value-0084\nExecution complete");
        assert_eq!(
            missing_invariant_lines(&output),
            ["Analysis: 84 maps to Value-0084"]
        );
    }
}
