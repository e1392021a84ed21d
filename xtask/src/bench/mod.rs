//! `cargo xtask bench`: what each boundary of the journey costs, measured on this machine.
//!
//! Every number comes from a real program printing the shared `summary:` line (see the `measure`
//! crate): steps 05-08 through their own `--repeat`, steps 02 and 03 through `bench/direct_call`
//! and `bench/dyn_call` (which link the steps' own crates, because the post fixes those steps'
//! code), and the bare transports through `bench/floors`. The command builds them all, runs them
//! one at a time, and writes the result as Markdown and as an SVG chart.
//!
//! - `cargo xtask bench`: release builds, enough pipelines per row for stable percentiles; writes
//!   `bench/results/`, the results block of `bench/README.md` and the root README's compact table.
//! - `cargo xtask bench --smoke`: debug builds, a few pipelines per row, results under
//!   `target/bench-smoke/`. `cargo xtask test` runs it so the command cannot rot.
//!
//! # Layout
//!
//! - this file: the rows (what runs, with which arguments), building and running them.
//! - `report`: the Markdown tables, the SVG chart and the block of `bench/README.md`.
//! - `machine`: the machine's description and today's date, for the report's heading.

mod machine;
pub(crate) mod report;

pub(crate) use report::count;

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use measure::Summary;

use crate::broker;
use crate::cargo;
use crate::child;
use crate::steps;

/// Full measurement or smoke run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Release builds and thousands of pipelines per row: the numbers in the README.
    Full,
    /// Debug builds and a handful of pipelines per row: only proves that everything still runs.
    Smoke,
}

/// How expensive one pipeline is, which decides how many make a stable measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    /// Nanoseconds to a few microseconds: calls inside one process.
    InProcess,
    /// Tens to hundreds of microseconds: pipes and loopback HTTP.
    Local,
    /// A millisecond or more: a round trip through the broker, written to its disk.
    Broker,
}

impl Pace {
    /// `(measured, warm-up)` pipelines. The full counts keep every row above the issue's "at
    /// least 1,000 pipelines" and every run under a minute on a small machine.
    fn pipelines(self, mode: Mode) -> (usize, usize) {
        match (mode, self) {
            (Mode::Full, Pace::InProcess) => (100_000, 1_000),
            (Mode::Full, Pace::Local) => (5_000, 200),
            (Mode::Full, Pace::Broker) => (2_000, 100),
            (Mode::Smoke, Pace::InProcess) => (50, 5),
            (Mode::Smoke, Pace::Local) => (20, 2),
            (Mode::Smoke, Pace::Broker) => (10, 2),
        }
    }
}

/// A program that prints a `summary:` line: a binary of one of the repository's workspaces.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Program {
    /// Workspace directory, relative to the repository root.
    pub(crate) workspace: &'static str,
    /// Binary name, without the platform's `.exe`.
    pub(crate) binary: &'static str,
    /// Extra environment, such as the queue prefix that keeps step 08's queues apart.
    pub(crate) env: &'static [(&'static str, &'static str)],
}

impl Program {
    pub(crate) fn path(&self, root: &Path, mode: Mode) -> PathBuf {
        root.join(self.workspace)
            .join("target")
            .join(mode.target_subdir())
            .join(format!("{}{}", self.binary, std::env::consts::EXE_SUFFIX))
    }
}

/// Queue names of the bench's step 08 runs: apart from `docker compose` and the tests.
const BENCH_QUEUES: (&str, &str) = ("QUEUE_PREFIX", "bench.");

/// One row of the boundary table, and the floors under it when it has a transport.
struct Boundary {
    name: &'static str,
    step: &'static str,
    program: Program,
    pace: Pace,
    /// Empty for calls inside one process. The first floor is the transport the step runs on,
    /// the one its `× its floor` divides by; any other is the same transport with one design
    /// choice changed, measured beside it (step 08's reply path).
    floors: &'static [Floor],
    needs_broker: bool,
}

/// The bare transport under a step: the same exchanges with no component behind them.
struct Floor {
    name: &'static str,
    program: Program,
    /// Flags before `--repeat` and `--warmup`, such as the AMQP floor's `--reply direct`.
    args: &'static [&'static str],
    /// For a step with several floors: the design choice this one makes, as it reads after
    /// "with" in the sentence under the table ("replies through direct reply-to").
    variant: Option<&'static str>,
}

/// The AMQP floor, which runs with either reply path (`--reply`).
const AMQP_FLOOR: Program = Program {
    workspace: "bench/floors",
    binary: "amqp_floor",
    env: &[],
};

const BOUNDARIES: [Boundary; 6] = [
    Boundary {
        name: "direct call",
        step: "02",
        program: Program {
            workspace: "bench/direct_call",
            binary: "direct_call",
            env: &[],
        },
        pace: Pace::InProcess,
        floors: &[],
        needs_broker: false,
    },
    Boundary {
        name: "`&dyn` call",
        step: "03/04",
        program: Program {
            workspace: "bench/dyn_call",
            binary: "dyn_call",
            env: &[],
        },
        pace: Pace::InProcess,
        floors: &[],
        needs_broker: false,
    },
    Boundary {
        name: "plugin loaded at run time (C ABI)",
        step: "05",
        program: Program {
            workspace: "step05_runtime_dll",
            binary: "hardened",
            env: &[],
        },
        pace: Pace::InProcess,
        floors: &[],
        needs_broker: false,
    },
    Boundary {
        name: "child processes, JSON lines over pipes",
        step: "06",
        program: Program {
            workspace: "step06_multi_process",
            // The hardened app, which has `--repeat`; the lesson's `app` has no flags.
            binary: "hardened",
            env: &[],
        },
        pace: Pace::Local,
        floors: &[Floor {
            name: "echo children over pipes",
            program: Program {
                workspace: "bench/floors",
                binary: "pipe_floor",
                env: &[],
            },
            args: &[],
            variant: None,
        }],
        needs_broker: false,
    },
    Boundary {
        name: "HTTP on loopback",
        step: "07",
        program: Program {
            workspace: "step07_http",
            binary: "hardened",
            env: &[],
        },
        pace: Pace::Local,
        floors: &[Floor {
            name: "echo HTTP handlers",
            program: Program {
                workspace: "bench/floors",
                binary: "http_floor",
                env: &[],
            },
            args: &[],
            variant: None,
        }],
        needs_broker: false,
    },
    Boundary {
        name: "RabbitMQ RPC",
        step: "08",
        program: Program {
            workspace: "step08_broker",
            // The hardened app (`hardened/`): the lesson's app has no --repeat.
            binary: "hardened",
            env: &[BENCH_QUEUES],
        },
        pace: Pace::Broker,
        // Step 08's reply path, RabbitMQ's direct reply-to, against the older design with a
        // private reply queue (exclusive, auto-delete), everything else the same.
        floors: &[
            Floor {
                name: "AMQP echo workers, direct reply-to",
                program: AMQP_FLOOR,
                args: &["--reply", "direct"],
                variant: Some("replies through direct reply-to"),
            },
            Floor {
                name: "AMQP echo workers, private reply queue",
                program: AMQP_FLOOR,
                args: &["--reply", "queue"],
                variant: Some("replies through a private reply queue"),
            },
        ],
        needs_broker: true,
    },
];

/// The elasticity runs: a fixed batch with simulated work in service1, at 1, 2 and 4 workers.
struct Scaling {
    step: &'static str,
    /// What "workers" means for this step, for the report.
    workers_are: &'static str,
    program: Program,
    /// The arguments that set the number of workers.
    worker_args: fn(usize) -> Vec<String>,
    needs_broker: bool,
}

const WORKER_COUNTS: [usize; 3] = [1, 2, 4];

const SCALING: [Scaling; 2] = [
    Scaling {
        step: "07",
        workers_are: "requests in flight (`--concurrency`); service1 serves them at once",
        program: Program {
            workspace: "step07_http",
            binary: "hardened",
            env: &[],
        },
        worker_args: |workers| vec!["--concurrency".into(), workers.to_string()],
        needs_broker: false,
    },
    Scaling {
        step: "08",
        workers_are: "service1 processes (`--service1-workers`), 8 pipelines in flight",
        program: Program {
            workspace: "step08_broker",
            binary: "hardened",
            env: &[BENCH_QUEUES],
        },
        worker_args: |workers| {
            vec![
                "--service1-workers".into(),
                workers.to_string(),
                "--concurrency".into(),
                "8".into(),
            ]
        },
        needs_broker: true,
    },
];

impl Mode {
    pub(crate) fn target_subdir(self) -> &'static str {
        match self {
            Mode::Full => "release",
            Mode::Smoke => "debug",
        }
    }

    /// How many times each row runs; the report keeps the median round.
    fn rounds(self) -> usize {
        match self {
            Mode::Full => 3,
            Mode::Smoke => 1,
        }
    }

    pub(crate) fn cargo_profile(self) -> &'static str {
        match self {
            Mode::Full => "release",
            Mode::Smoke => "dev",
        }
    }

    /// `(WORK_MS, pipelines in the batch)` of the scaling runs. 200 pipelines of 20 ms are four
    /// seconds for one worker: long enough that start-up noise does not blur the speed-up.
    fn scaling_batch(self) -> (u64, usize) {
        match self {
            Mode::Full => (20, 200),
            Mode::Smoke => (2, 8),
        }
    }

    fn results_dir(self, root: &Path) -> PathBuf {
        match self {
            Mode::Full => root.join("bench").join("results"),
            Mode::Smoke => root.join("target").join("bench-smoke"),
        }
    }
}

/// What became of one measurement.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Measured(Summary),
    /// It could not run here (no broker), and the reason says what to do.
    Skipped(String),
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Measured(summary) => write!(
                f,
                "p50 {}, p99 {}, {}/s",
                report::latency(summary.p50),
                report::latency(summary.p99),
                report::count(summary.throughput())
            ),
            Outcome::Skipped(why) => write!(f, "skipped: {why}"),
            Outcome::Failed(why) => write!(f, "FAILED: {why}"),
        }
    }
}

/// One boundary's results.
pub struct BoundaryResult {
    boundary: &'static Boundary,
    repeat: usize,
    warmup: usize,
    step: Outcome,
    /// One per floor of the boundary, in the same order.
    floors: Vec<Outcome>,
}

/// One scaling run's result.
pub struct ScalingResult {
    scaling: &'static Scaling,
    pub(crate) workers: usize,
    pub(crate) outcome: Outcome,
}

impl ScalingResult {
    /// The step the run measured (`07`, `08`).
    pub(crate) fn step(&self) -> &'static str {
        self.scaling.step
    }
}

/// Everything one `cargo xtask bench` measured.
pub struct Results {
    mode: Mode,
    machine: machine::Machine,
    date: String,
    boundaries: Vec<BoundaryResult>,
    scaling: Vec<ScalingResult>,
}

impl Results {
    fn any_failed(&self) -> bool {
        let failed = |outcome: &Outcome| matches!(outcome, Outcome::Failed(_));
        self.boundaries
            .iter()
            .any(|row| failed(&row.step) || row.floors.iter().any(failed))
            || self.scaling.iter().any(|row| failed(&row.outcome))
    }
}

/// A whole build-and-run of one program may take this long before it is stopped.
const RUN_LIMIT: Duration = Duration::from_secs(10 * 60);
const BUILD_LIMIT: Duration = Duration::from_secs(30 * 60);

/// `cargo xtask bench [--smoke]`.
pub fn command(args: &[String]) -> ExitCode {
    command_with_mode("bench", args, run)
}

/// `cargo xtask NAME [--smoke]`: `run` in the mode the arguments ask for, its error as one line.
pub(crate) fn command_with_mode(
    name: &str,
    args: &[String],
    run: impl FnOnce(Mode) -> Result<(), String>,
) -> ExitCode {
    let mode = match args {
        [] => Mode::Full,
        [flag] if flag == "--smoke" => Mode::Smoke,
        _ => {
            eprintln!("error: `cargo xtask {name}` takes no argument but `--smoke`");
            return ExitCode::FAILURE;
        }
    };
    match run(mode) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Builds, measures and writes the report; `Err` says what failed.
pub fn run(mode: Mode) -> Result<(), String> {
    let root = steps::repo_root();
    let started = Instant::now();
    build_all(&root, mode)?;
    let broker = broker_check(mode);

    let mut boundaries = Vec::new();
    let rounds = mode.rounds();
    let total = rounds * BOUNDARIES.iter().map(|b| 1 + b.floors.len()).sum::<usize>();
    let mut done = 0;
    for boundary in &BOUNDARIES {
        let (repeat, warmup) = boundary.pace.pipelines(mode);
        let mut measure_one = |label: String, program: &Program, flags: &[&str]| {
            done += 1;
            eprint!("[{done}/{total}] {label}: {repeat} pipelines after {warmup} warm-up ... ");
            let outcome = match (&broker, boundary.needs_broker) {
                (Err(why), true) => Outcome::Skipped(why.clone()),
                _ => {
                    let mut args: Vec<String> = flags.iter().map(|flag| flag.to_string()).collect();
                    args.extend(repeat_args(repeat, warmup));
                    run_program(&root, mode, program, &args, &[])
                }
            };
            eprintln!("{outcome}");
            outcome
        };
        // Step and floors take turns, round after round: a burst of load from elsewhere on the
        // machine then hits them alike, and the median round leaves it out.
        let mut step_rounds = Vec::new();
        let mut floor_rounds = vec![Vec::new(); boundary.floors.len()];
        for _ in 0..rounds {
            step_rounds.push(measure_one(
                format!("step {} {}", boundary.step, boundary.name),
                &boundary.program,
                &[],
            ));
            for (floor, outcomes) in boundary.floors.iter().zip(&mut floor_rounds) {
                outcomes.push(measure_one(
                    format!("floor: {}", floor.name),
                    &floor.program,
                    floor.args,
                ));
            }
        }
        boundaries.push(BoundaryResult {
            boundary,
            repeat,
            warmup,
            step: median_round(step_rounds),
            floors: floor_rounds.into_iter().map(median_round).collect(),
        });
    }

    let scaling = run_scaling(&root, mode, &broker);

    let results = Results {
        mode,
        machine: machine::Machine::describe(),
        date: machine::today_utc(),
        boundaries,
        scaling,
    };
    let dir = mode.results_dir(&root);
    let written = report::write(&results, &dir, &root)?;
    println!("\n{}", report::markdown(&results));
    for path in written {
        println!("wrote {}", path.display());
    }
    println!("bench took {}", crate::table::seconds(started.elapsed()));
    if results.any_failed() {
        return Err("some measurements failed (see FAILED above)".into());
    }
    Ok(())
}

/// The scaling runs: each step of [`SCALING`] at 1, 2 and 4 workers, a fixed batch with `WORK_MS`
/// of simulated work per message. `cargo xtask faults` reports them too, as its "load grows".
pub(crate) fn run_scaling(
    root: &Path,
    mode: Mode,
    broker: &Result<(), String>,
) -> Vec<ScalingResult> {
    let (work_ms, batch) = mode.scaling_batch();
    let mut scaling = Vec::new();
    for run in &SCALING {
        for workers in WORKER_COUNTS {
            eprint!(
                "[scaling] step {} with {workers} worker(s), {batch} pipelines of WORK_MS={work_ms} ... ",
                run.step
            );
            let outcome = match (&broker, run.needs_broker) {
                (Err(why), true) => Outcome::Skipped(why.clone()),
                _ => {
                    let mut args = repeat_args(batch, 2 * workers);
                    args.extend((run.worker_args)(workers));
                    let work = work_ms.to_string();
                    run_program(root, mode, &run.program, &args, &[("WORK_MS", &work)])
                }
            };
            eprintln!("{outcome}");
            scaling.push(ScalingResult {
                scaling: run,
                workers,
                outcome,
            });
        }
    }
    scaling
}

/// The round with the median p50. Any failed or skipped round decides the outcome instead: a row
/// that fails once is not a measurement to report.
fn median_round(mut rounds: Vec<Outcome>) -> Outcome {
    if let Some(index) = rounds
        .iter()
        .position(|outcome| !matches!(outcome, Outcome::Measured(_)))
    {
        return rounds.swap_remove(index);
    }
    let p50 = |outcome: &Outcome| match outcome {
        Outcome::Measured(summary) => summary.p50,
        _ => Duration::ZERO,
    };
    rounds.sort_by_key(p50);
    let middle = rounds.len() / 2;
    rounds
        .into_iter()
        .nth(middle)
        .unwrap_or_else(|| Outcome::Failed("no round was run".into()))
}

fn repeat_args(repeat: usize, warmup: usize) -> Vec<String> {
    vec![
        "--repeat".into(),
        repeat.to_string(),
        "--warmup".into(),
        warmup.to_string(),
    ]
}

/// Can the broker rows run? Without a broker they are skipped, except in a smoke run on CI,
/// where a missing broker must fail the build rather than hide a broken step 08.
pub(crate) fn broker_check(mode: Mode) -> Result<(), String> {
    match broker::check_reachable(&broker::amqp_addr()) {
        Ok(()) => Ok(()),
        Err(why) if mode == Mode::Smoke && std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            eprintln!("error: {why}");
            Ok(()) // let the rows run and fail with the step's own message
        }
        Err(why) => Err(why),
    }
}

/// Builds every workspace the rows need, with Cargo's progress shown.
fn build_all(root: &Path, mode: Mode) -> Result<(), String> {
    let mut workspaces: Vec<&str> = BOUNDARIES
        .iter()
        .flat_map(|b| {
            std::iter::once(b.program.workspace).chain(b.floors.iter().map(|f| f.program.workspace))
        })
        .collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    // `--workspace`: a step's hardened binary (the one measured) is not a default member.
    build_workspaces(root, mode, &workspaces, &["--workspace"])
}

/// Builds each workspace into its own `target/` with `extra_args` (such as `--workspace`), with
/// Cargo's progress shown.
pub(crate) fn build_workspaces(
    root: &Path,
    mode: Mode,
    workspaces: &[&str],
    extra_args: &[&str],
) -> Result<(), String> {
    for &workspace in workspaces {
        eprintln!(
            "==> cargo build --profile {} in {workspace}",
            mode.cargo_profile()
        );
        // Each workspace's own `target/`, even if the reader's environment points all builds at
        // one shared directory: every step has a binary called `app`, and the runs below must
        // find each step's own.
        let mut command = cargo::in_workspace(&root.join(workspace));
        command
            .args(["build", "--profile", mode.cargo_profile()])
            .args(extra_args);
        let finished = child::run_streaming(command, BUILD_LIMIT, |line| println!("{line}"))
            .map_err(|e| format!("cannot start cargo in {workspace}: {e}"))?;
        match finished.status {
            Some(status) if status.success() => {}
            Some(status) => return Err(format!("building {workspace} failed ({status})")),
            None => return Err(format!("building {workspace} took over 30 min; stopped")),
        }
    }
    Ok(())
}

/// Runs one program to its `summary:` line. Its stdout (chatter included) is read and dropped
/// as it comes, its stderr goes to a file that is shown only if the run fails.
fn run_program(
    root: &Path,
    mode: Mode,
    program: &Program,
    args: &[String],
    env: &[(&str, &str)],
) -> Outcome {
    let path = program.path(root, mode);
    let workspace = root.join(program.workspace);
    let stderr_path = root.join("target").join(format!(
        "bench-{}-{}.stderr",
        program.binary,
        std::process::id()
    ));
    let stderr = match std::fs::create_dir_all(root.join("target"))
        .and_then(|()| File::create(&stderr_path))
    {
        Ok(file) => Stdio::from(file),
        Err(e) => {
            return Outcome::Failed(format!("cannot create {}: {e}", stderr_path.display()));
        }
    };
    let mut command = command_outside_cargo(&path);
    command
        .args(args)
        .current_dir(&workspace)
        .stderr(stderr)
        .envs(program.env.iter().copied())
        .envs(env.iter().copied());
    let mut last_summary = None;
    let status = child::run_line_by_line(command, RUN_LIMIT, |line| {
        if line.starts_with("summary:") {
            last_summary = Some(line);
        }
    });
    let stderr_tail = std::fs::read_to_string(&stderr_path)
        .map(|text| last_lines(&text, 3))
        .unwrap_or_default();
    let _ = std::fs::remove_file(&stderr_path);
    let shown = format!("{} {}", path.display(), args.join(" "));
    let outcome = match status {
        Err(e) => return Outcome::Failed(format!("cannot start {shown}: {e}")),
        Ok(None) => {
            return Outcome::Failed(format!("{shown} ran over {} min", RUN_LIMIT.as_secs() / 60));
        }
        Ok(Some(status)) if !status.success() => Err(format!("{shown} exited with {status}")),
        Ok(Some(_)) => match last_summary {
            None => Err(format!("{shown} printed no summary: line")),
            Some(line) => Summary::parse(&line).map_err(|e| format!("{shown}: {e}: {line}")),
        },
    };
    match outcome {
        Ok(summary) if summary.failed > 0 => Outcome::Failed(format!(
            "{} of {} pipelines failed",
            summary.failed, summary.requests
        )),
        Ok(summary) => Outcome::Measured(summary),
        Err(why) if stderr_tail.is_empty() => Outcome::Failed(why),
        Err(why) => Outcome::Failed(format!("{why}; its stderr ended with: {stderr_tail}")),
    }
}

/// A command for `program` as a reader would start the built binary, not under Cargo: the
/// variables Cargo set for `cargo xtask` would make step 06's app believe `cargo run` started it.
pub(crate) fn command_outside_cargo(program: &Path) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_set_by_cargo_run) {
            command.env_remove(name);
        }
    }
    command
}

/// Variables `cargo run` sets for the program it runs (`CARGO`, `CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_NAME`...), as opposed to the reader's own settings such as `CARGO_HOME`.
fn is_set_by_cargo_run(name: &str) -> bool {
    name == "CARGO"
        || (name.starts_with("CARGO_")
            && !matches!(name, "CARGO_HOME" | "CARGO_TARGET_DIR")
            && !name.starts_with("CARGO_REGISTRIES_")
            && !name.starts_with("CARGO_NET_")
            && !name.starts_with("CARGO_HTTP_"))
}

/// The last `count` non-empty lines of `text`, joined with ` | ` to stay on one line.
pub(crate) fn last_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(count)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_full_row_measures_at_least_a_thousand_pipelines_after_a_warm_up() {
        for pace in [Pace::InProcess, Pace::Local, Pace::Broker] {
            let (repeat, warmup) = pace.pipelines(Mode::Full);
            assert!(repeat >= 1_000, "{pace:?}: {repeat}");
            assert!(warmup > 0, "{pace:?}");
        }
    }

    #[test]
    fn every_transport_row_has_its_floor_and_in_process_rows_have_none() {
        for boundary in &BOUNDARIES {
            assert_eq!(
                !boundary.floors.is_empty(),
                boundary.pace != Pace::InProcess,
                "{}",
                boundary.name
            );
            // The sentence under the table needs each floor of a pair to say what it does.
            let several = boundary.floors.len() > 1;
            for floor in boundary.floors {
                assert_eq!(floor.variant.is_some(), several, "{}", floor.name);
            }
        }
    }

    #[test]
    fn step_08_runs_on_the_direct_reply_to_floor_and_is_set_beside_a_private_reply_queue() {
        let step_08 = BOUNDARIES.iter().find(|b| b.step == "08").unwrap();
        let floors: Vec<(&str, &[&str])> = step_08
            .floors
            .iter()
            .map(|floor| (floor.program.binary, floor.args))
            .collect();
        // The first floor is the one `× its floor` divides by: the reply path step 08 uses.
        assert_eq!(
            floors,
            [
                ("amqp_floor", &["--reply", "direct"][..]),
                ("amqp_floor", &["--reply", "queue"][..]),
            ]
        );
    }

    #[test]
    fn every_program_the_bench_runs_is_a_binary_of_a_workspace_in_this_repository() {
        let root = steps::repo_root();
        let programs = BOUNDARIES
            .iter()
            .flat_map(|b| std::iter::once(&b.program).chain(b.floors.iter().map(|f| &f.program)))
            .chain(SCALING.iter().map(|s| &s.program));
        for program in programs {
            let workspace = root.join(program.workspace);
            assert!(
                workspace.join("Cargo.toml").is_file(),
                "{} is not a workspace",
                workspace.display()
            );
            let main = if program.binary == "app" {
                workspace.join("app/src/main.rs")
            } else if program.binary == "hardened" {
                workspace.join("hardened/src/main.rs")
            } else if program.workspace == "bench/floors" {
                let single = workspace.join(format!("src/bin/{}.rs", program.binary));
                if single.is_file() {
                    single
                } else {
                    workspace.join(format!("src/bin/{}/main.rs", program.binary))
                }
            } else {
                workspace.join("src/main.rs")
            };
            assert!(main.is_file(), "{} is missing", main.display());
        }
    }

    #[test]
    fn the_program_path_follows_the_platform_and_the_build_profile() {
        let program = Program {
            workspace: "step06_multi_process",
            binary: "app",
            env: &[],
        };
        let path = program.path(Path::new("/repo"), Mode::Full);
        let expected = Path::new("/repo/step06_multi_process/target/release")
            .join(format!("app{}", std::env::consts::EXE_SUFFIX));
        assert_eq!(path, expected);
        assert!(
            program
                .path(Path::new("/repo"), Mode::Smoke)
                .starts_with("/repo/step06_multi_process/target/debug")
        );
    }

    #[test]
    fn scaling_arguments_set_the_workers_of_each_step() {
        assert_eq!((SCALING[0].worker_args)(4), ["--concurrency", "4"]);
        assert_eq!(
            (SCALING[1].worker_args)(2),
            ["--service1-workers", "2", "--concurrency", "8"]
        );
    }

    fn measured_p50(micros: u64) -> Outcome {
        let mut summary = Summary::of_latencies(Vec::new(), Duration::from_millis(1));
        summary.p50 = Duration::from_micros(micros);
        Outcome::Measured(summary)
    }

    #[test]
    fn the_median_round_is_kept_and_a_failed_round_fails_the_row() {
        let rounds = vec![measured_p50(90), measured_p50(20), measured_p50(30)];
        assert_eq!(median_round(rounds), measured_p50(30));
        assert_eq!(median_round(vec![measured_p50(7)]), measured_p50(7));
        let with_failure = vec![
            measured_p50(20),
            Outcome::Failed("exit 1".into()),
            measured_p50(30),
        ];
        assert_eq!(median_round(with_failure), Outcome::Failed("exit 1".into()));
        assert!(matches!(median_round(Vec::new()), Outcome::Failed(_)));
    }

    #[test]
    fn what_cargo_run_sets_is_removed_and_the_readers_cargo_settings_are_kept() {
        for set_by_cargo in [
            "CARGO",
            "CARGO_MANIFEST_DIR",
            "CARGO_PKG_NAME",
            "CARGO_BIN_NAME",
        ] {
            assert!(is_set_by_cargo_run(set_by_cargo), "{set_by_cargo}");
        }
        for own in [
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_NET_OFFLINE",
            "PATH",
            "CARGOX",
        ] {
            assert!(!is_set_by_cargo_run(own), "{own}");
        }
    }

    #[test]
    fn the_last_lines_of_a_stderr_fit_on_one_line() {
        assert_eq!(last_lines("a\n\nb\nc\nd\n", 3), "b | c | d");
        assert_eq!(last_lines("only\n", 3), "only");
        assert_eq!(last_lines("", 3), "");
    }
}
