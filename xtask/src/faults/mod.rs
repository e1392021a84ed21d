//! `cargo xtask faults`: what each boundary buys. The same faults are thrown at every step's real
//! programs, from outside and without changing them, and the outcomes are written as a table
//! beside the cost table of `cargo xtask bench`.
//!
//! - **A component crashes**: during a run of N pipelines its process is killed (`SIGKILL`).
//!   Steps 02 to 05 hold their components in the app's own process, so there the app is killed,
//!   and step 05's hardened app loads two broken plugins: its own `panicking_processor`, which
//!   catches its own panic, and `bench/fault_fixtures`' `aborting_processor`, whose abort cannot
//!   be caught.
//! - **A component hangs**: its process is stopped (`SIGSTOP`) for a few seconds, then continued.
//! - **A component is upgraded while the app runs**: a new file replaces the component's
//!   executable and the running process is asked to stop (`SIGTERM`), so that whatever restarts
//!   it starts the new file (steps 06 to 08).
//! - **Load grows**: the bench's scaling runs, at 1, 2 and 4 workers.
//!
//! Steps 07 and 08 run their services outside the app, as they are deployed: this command starts
//! them and starts each again when it exits, as a service manager would. Step 06's app
//! supervises its own children.
//!
//! Each row first runs without a fault, with N grown until the run lasts a few seconds. What a
//! fault costs is read from the run's own `summary:` line: how many of the N pipelines gave no
//! result, and `max_us`, the slowest pipeline. Every run sends one pipeline at a time, so the
//! slowest pipeline is the longest the caller waited: the longest stall the fault caused.
//!
//! # Layout
//!
//! - this file: the rows, the scenarios and how one run with one fault goes.
//! - `process`: started programs, the process table, signals, the restarted services.
//! - `report`: the Markdown table and the block of `bench/README.md`.

mod process;
pub(crate) mod report;

use std::fmt::Write as _;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use measure::Summary;

use crate::bench::{self, Mode, Program};
use crate::steps;
use process::{Managed, Running};

/// How a step holds its components, which decides what each fault does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Functions in the app's own process (steps 02 to 04, through the bench's callers).
    InProcess,
    /// Plugins loaded into the app's process at run time (step 05).
    Plugins,
    /// Child processes the app starts and restarts itself (step 06).
    Children,
    /// HTTP services reached by URL (step 07).
    Http,
    /// Workers behind RabbitMQ (step 08).
    Broker,
}

struct Row {
    step: &'static str,
    name: &'static str,
    program: Program,
    kind: Kind,
}

const ROWS: [Row; 6] = [
    Row {
        step: "02",
        name: "workspace of crates",
        program: Program {
            workspace: "bench/direct_call",
            binary: "direct_call",
            env: &[],
        },
        kind: Kind::InProcess,
    },
    Row {
        step: "03/04",
        name: "traits, `&dyn` calls",
        program: Program {
            workspace: "bench/dyn_call",
            binary: "dyn_call",
            env: &[],
        },
        kind: Kind::InProcess,
    },
    Row {
        step: "05",
        name: "plugins loaded at run time",
        program: Program {
            workspace: "step05_runtime_dll",
            binary: "hardened",
            env: &[],
        },
        kind: Kind::Plugins,
    },
    Row {
        step: "06",
        name: "child processes",
        program: Program {
            workspace: "step06_multi_process",
            // The hardened app: the lesson's children, supervised (restarted, the request replayed).
            binary: "hardened",
            env: &[],
        },
        kind: Kind::Children,
    },
    Row {
        step: "07",
        name: "HTTP services",
        program: Program {
            workspace: "step07_http",
            binary: "hardened",
            env: &[],
        },
        kind: Kind::Http,
    },
    Row {
        step: "08",
        name: "workers behind RabbitMQ",
        program: Program {
            workspace: "step08_broker",
            // The hardened app, with the hardened workers (see `Kind::Broker` below).
            binary: "hardened",
            env: &[],
        },
        kind: Kind::Broker,
    },
];

/// The fixture workspace: the aborting plugin for step 05.
const FIXTURES: &str = "bench/fault_fixtures";
/// The component every fault is thrown at in steps 06 to 08: the first stage of the pipeline.
const COMPONENT: &str = "service1";
/// Step 08's queues for this command: apart from the tests, the bench, `docker compose`, and a
/// smoke run of this command on the same broker.
fn queue_prefix(mode: Mode) -> &'static str {
    match mode {
        Mode::Full => "faults.",
        Mode::Smoke => "faults-smoke.",
    }
}
/// Unmeasured pipelines before each run's N.
const WARMUP: usize = 20;
/// Runs without a fault per step: their times show how much a run varies, their slowest pipeline
/// what a wait is without a fault.
const REFERENCE_RUNS: usize = 3;

/// The clock of one run.
#[derive(Debug, Clone, Copy)]
struct Timing {
    /// A run without a fault lasts at least this long (N is grown until it does).
    run_for: Duration,
    /// The fault is thrown this long after the app started.
    fault_at: Duration,
    /// How long a hung component stays stopped.
    hang_for: Duration,
}

fn timing(mode: Mode) -> Timing {
    match mode {
        // Short runs: the noise of a busy machine grows with a run's length, the fault's
        // effect does not.
        Mode::Full => Timing {
            run_for: Duration::from_millis(1500),
            fault_at: Duration::from_millis(500),
            hang_for: Duration::from_secs(3),
        },
        Mode::Smoke => Timing {
            run_for: Duration::from_millis(800),
            fault_at: Duration::from_millis(250),
            hang_for: Duration::from_millis(300),
        },
    }
}

/// What is done to the component during one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Crash,
    Hang,
    Upgrade,
}

/// One cell of the table: its text, and whether the app came through with nothing lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    /// `None` when nothing was measured (the fault does not apply, or it was skipped).
    pub survived: Option<bool>,
    /// The command itself could not do what it meant to (a build output missing, `ps` absent).
    pub failed: bool,
}

impl Cell {
    fn explained(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            survived: None,
            failed: false,
        }
    }

    fn failed(why: String) -> Cell {
        Cell {
            text: format!("FAILED: {why}"),
            survived: None,
            failed: true,
        }
    }
}

/// One step's row of the table.
pub struct RowResult {
    step: &'static str,
    name: &'static str,
    /// Pipelines per run, after [`WARMUP`].
    pipelines: usize,
    /// Measured times of the runs without a fault, shortest first.
    references: Vec<Duration>,
    /// The slowest pipeline of each run without a fault (`None`: its line had no `max_us`).
    reference_max: Vec<Option<Duration>>,
    crash: Cell,
    hang: Cell,
    upgrade: Cell,
    load: Cell,
}

impl RowResult {
    /// The same cell for the crash, the hang and the upgrade: none of them could be run.
    fn every_fault(&mut self, cell: Cell) {
        self.crash = cell.clone();
        self.hang = cell.clone();
        self.upgrade = cell;
    }
}

/// Everything one `cargo xtask faults` measured.
pub struct Results {
    mode: Mode,
    timing: Timing,
    rows: Vec<RowResult>,
    /// What the cells cannot hold: the apps' last error lines, reasons for skips.
    notes: Vec<String>,
}

/// A whole run may take this long past its own reference before it is stopped.
const RUN_SLACK: Duration = Duration::from_secs(90);

/// `cargo xtask faults [--smoke]`.
pub fn command(args: &[String]) -> ExitCode {
    bench::command_with_mode("faults", args, run)
}

/// The shared state of one `cargo xtask faults`.
struct Context {
    root: PathBuf,
    mode: Mode,
    timing: Timing,
    /// Where logs, copied plugins and the smoke report go.
    scratch: PathBuf,
    broker: Result<(), String>,
    notes: Vec<String>,
}

/// Builds, throws every fault, and writes the report; `Err` says what failed.
pub fn run(mode: Mode) -> Result<(), String> {
    let root = steps::repo_root();
    let started = Instant::now();
    let mut workspaces: Vec<&str> = ROWS.iter().map(|row| row.program.workspace).collect();
    workspaces.push(FIXTURES);
    // `--workspace`: each step's hardened app (the one these runs start) and step 05's fixture
    // plugins are not among its default members.
    bench::build_workspaces(&root, mode, &workspaces, &["--workspace"])?;

    let scratch = root.join("target").join(match mode {
        Mode::Full => "faults",
        Mode::Smoke => "faults-smoke",
    });
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let mut context = Context {
        broker: bench::broker_check(mode),
        root,
        mode,
        timing: timing(mode),
        scratch,
        notes: Vec::new(),
    };

    eprintln!("\n==> load grows: the bench's scaling runs");
    let scaling = bench::run_scaling(&context.root, mode, &context.broker);

    let mut rows = Vec::new();
    for row in &ROWS {
        rows.push(measure_row(&mut context, row, &scaling));
    }
    let results = Results {
        mode,
        timing: context.timing,
        rows,
        notes: context.notes,
    };
    let markdown = report::markdown(&results);
    let written = report::write(&results, &markdown, &context.scratch, &context.root)?;
    println!("\n{markdown}");
    for path in written {
        println!("wrote {}", path.display());
    }
    println!("faults took {}", crate::table::seconds(started.elapsed()));
    let failed: Vec<String> = results
        .rows
        .iter()
        .flat_map(|row| {
            [&row.crash, &row.hang, &row.upgrade, &row.load]
                .into_iter()
                .filter(|cell| cell.failed)
                .map(move |cell| format!("step {}: {}", row.step, cell.text))
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("some scenarios failed: {}", failed.join("; ")))
    }
}

/// Every scenario of one step.
fn measure_row(
    context: &mut Context,
    row: &'static Row,
    scaling: &[bench::ScalingResult],
) -> RowResult {
    let mut result = RowResult {
        step: row.step,
        name: row.name,
        pipelines: 0,
        references: Vec::new(),
        reference_max: Vec::new(),
        crash: Cell::explained(""),
        hang: Cell::explained(""),
        upgrade: Cell::explained(""),
        load: load_cell(row, scaling),
    };
    if let (Kind::Broker, Err(why)) = (row.kind, &context.broker) {
        context.notes.push(format!("Step {}: {why}", row.step));
        result.every_fault(Cell::explained(
            "skipped: RabbitMQ is not reachable (see below)",
        ));
        return result;
    }

    eprint!(
        "[faults] step {} without a fault: growing N until a run lasts {} ... ",
        row.step,
        seconds(context.timing.run_for)
    );
    let (pipelines, baseline) = match calibrate(context, row) {
        Ok(found) => found,
        Err(why) => {
            eprintln!("FAILED: {why}");
            result.every_fault(Cell::failed(format!(
                "the run without a fault failed: {why}"
            )));
            return result;
        }
    };
    eprintln!(
        "N = {}, {}",
        report::count(pipelines),
        seconds(baseline.elapsed)
    );
    result.pipelines = pipelines;
    // More runs without a fault: on a busy machine one run can be a second off, and the spread
    // of these runs says how far a fault's added time can be trusted.
    let mut references = vec![baseline.elapsed];
    let mut reference_max = vec![baseline.max];
    for round in 2..=REFERENCE_RUNS {
        eprint!(
            "[faults] step {} without a fault, run {round} of {REFERENCE_RUNS} ... ",
            row.step
        );
        let observed = run_once(context, row, pipelines, Fault::None, &[], &[]);
        match (&observed.summary, observed.status_ok()) {
            (Some(summary), true) if summary.failed == 0 => {
                eprintln!("{}", seconds(summary.elapsed));
                references.push(summary.elapsed);
                reference_max.push(summary.max);
            }
            _ => {
                let why = observed.describe(pipelines);
                eprintln!("FAILED: {why}");
                let failed = Cell::failed(format!("a run without a fault failed: {why}"));
                result.crash = failed.clone();
                result.hang = failed.clone();
                result.upgrade = failed;
                return result;
            }
        }
    }
    references.sort_unstable();
    result.references = references;
    result.reference_max = reference_max;

    let signals = if cfg!(unix) {
        Ok(())
    } else {
        Err("skipped: needs Unix signals (`SIGKILL`, `SIGSTOP`)")
    };
    result.crash = match (row.kind, signals) {
        (Kind::Plugins, _) => crash_plugins(context, row, pipelines),
        (_, Err(why)) => Cell::explained(why),
        _ => scenario(context, row, pipelines, Fault::Crash),
    };
    result.hang = match signals {
        Err(why) => Cell::explained(why),
        Ok(()) => scenario(context, row, pipelines, Fault::Hang),
    };
    result.upgrade = match (row.kind, signals) {
        (Kind::InProcess, _) => Cell::explained(
            "not while it runs: the component is compiled into the app; rebuild the app, stop \
             it, start the new one",
        ),
        (Kind::Plugins, _) => Cell::explained(
            "not while it runs: plugins are loaded once, at start; stop the app, replace the \
             plugin file, start it again (no rebuild)",
        ),
        (_, Err(why)) => Cell::explained(why),
        _ => scenario(context, row, pipelines, Fault::Upgrade),
    };
    result
}

/// "Load grows" from the bench's scaling runs, or why the step has nothing to scale.
fn load_cell(row: &Row, scaling: &[bench::ScalingResult]) -> Cell {
    let runs: Vec<&bench::ScalingResult> =
        scaling.iter().filter(|s| s.step() == row.step).collect();
    if runs.is_empty() {
        return Cell::explained(match row.kind {
            Kind::Children => {
                "nothing to add: the app sends one request at a time to one child of each kind"
            }
            _ => "nothing to add: the components run in the app's own thread",
        });
    }
    let mut speed_ups = Vec::new();
    let single = runs
        .iter()
        .find(|run| run.workers == 1)
        .and_then(|run| match &run.outcome {
            bench::Outcome::Measured(summary) => Some(summary.throughput()),
            _ => None,
        });
    for run in &runs {
        match (&run.outcome, single) {
            (bench::Outcome::Measured(summary), Some(one)) if one > 0.0 => {
                speed_ups.push(format!("{:.1}×", summary.throughput() / one));
            }
            (bench::Outcome::Skipped(_), _) => {
                return Cell::explained("skipped: RabbitMQ is not reachable (see below)");
            }
            (bench::Outcome::Failed(why), _) => {
                return Cell::failed(format!("{} workers: {why}", run.workers));
            }
            _ => return Cell::failed("the single-worker run measured nothing".into()),
        }
    }
    let workers: Vec<String> = runs.iter().map(|run| run.workers.to_string()).collect();
    Cell {
        text: format!(
            "{} workers: {} the pipelines/s of one",
            workers.join(" → "),
            speed_ups.join(" → ")
        ),
        survived: None,
        failed: false,
    }
}

/// Runs without a fault, growing N until a run lasts [`Timing::run_for`]; the last run is the
/// reference.
fn calibrate(context: &Context, row: &Row) -> Result<(usize, Summary), String> {
    let mut pipelines = 200;
    for _ in 0..10 {
        let observed = run_once(context, row, pipelines, Fault::None, &[], &[]);
        let summary = match (&observed.summary, observed.status_ok()) {
            (Some(summary), true) if summary.failed == 0 => summary.clone(),
            _ => return Err(observed.describe(pipelines)),
        };
        let elapsed = summary.elapsed.as_secs_f64().max(1e-6);
        let wanted = context.timing.run_for.as_secs_f64();
        if elapsed >= wanted {
            return Ok((pipelines, summary));
        }
        let factor = if elapsed < wanted / 20.0 {
            10.0
        } else {
            wanted / elapsed * 1.1
        };
        pipelines = (pipelines as f64 * factor).ceil() as usize;
    }
    Err("the run stayed too short to throw a fault into".into())
}

/// One fault thrown at one step, as a cell.
fn scenario(context: &mut Context, row: &Row, pipelines: usize, fault: Fault) -> Cell {
    let what = match (fault, row.kind) {
        (Fault::Crash, Kind::InProcess | Kind::Plugins) => {
            "kill the app (its components are in it)".to_string()
        }
        (Fault::Hang, Kind::InProcess | Kind::Plugins) => {
            format!(
                "stop the app (its components are in it) for {}",
                seconds(context.timing.hang_for)
            )
        }
        (Fault::Crash, _) => format!("kill {COMPONENT}"),
        (Fault::Hang, _) => format!("stop {COMPONENT} for {}", seconds(context.timing.hang_for)),
        (Fault::Upgrade, _) => format!("replace {COMPONENT}'s file, stop the old process"),
        (Fault::None, _) => "nothing".to_string(),
    };
    eprint!(
        "[faults] step {} {}: {what} {} into {} pipelines ... ",
        row.step,
        fault_name(fault),
        seconds(context.timing.fault_at),
        report::count(pipelines)
    );
    let observed = run_once(context, row, pipelines, fault, &[], &[]);
    let mut cell = observed.cell(pipelines);
    if fault == Fault::Hang
        && let Some(max) = observed.summary.as_ref().and_then(|s| s.max)
        && max < context.timing.hang_for
    {
        // A pipeline in flight on a stopped component waits until it is continued; a shorter
        // longest wait means the stop fell in the app's start-up or warm-up, which are not timed.
        let _ = write!(
            cell.text,
            " (shorter than the {} hang: the stop did not fall on a measured pipeline)",
            seconds(context.timing.hang_for)
        );
    }
    eprintln!("{}", cell.text);
    observed.note_error(context, row, fault_name(fault));
    cell
}

fn fault_name(fault: Fault) -> &'static str {
    match fault {
        Fault::None => "without a fault",
        Fault::Crash => "crash",
        Fault::Hang => "hang",
        Fault::Upgrade => "upgrade",
    }
}

/// Step 05's crashes, in its hardened app: a plugin that panics and catches its own panic (the
/// step's own fixture) and one that aborts (ours).
fn crash_plugins(context: &mut Context, row: &Row, pipelines: usize) -> Cell {
    let plugin_dir = match copy_plugins(context) {
        Ok(dir) => dir,
        Err(why) => return Cell::failed(why),
    };
    let dir = plugin_dir.to_string_lossy().into_owned();
    let mut parts = Vec::new();
    let mut survived = Some(false);
    let abort_at = WARMUP + pipelines / 2 + 1;
    for (label, plugin, env) in [
        (
            "a panic (step 05's `panicking_processor`, first call)",
            "panicking_processor",
            vec![],
        ),
        (
            "an abort (`aborting_processor`, halfway)",
            "aborting_processor",
            vec![("ABORT_AT_CALL".to_string(), abort_at.to_string())],
        ),
    ] {
        eprint!(
            "[faults] step {} crash: {label}, {} pipelines ... ",
            row.step,
            report::count(pipelines)
        );
        let mut env = env;
        env.push(("PLUGIN_DIR".to_string(), dir.clone()));
        let args = ["--processor".to_string(), plugin.to_string()];
        let observed = run_once(context, row, pipelines, Fault::None, &args, &env);
        let mut cell = observed.cell(pipelines);
        if plugin == "aborting_processor"
            && !cell.failed
            && let Err(why) = aborted_on_call(&observed.ended, abort_at)
        {
            cell = Cell::failed(format!("aborting_processor did not abort as asked: {why}"));
        }
        eprintln!("{}", cell.text);
        observed.note_error(context, row, plugin);
        if cell.failed {
            return cell;
        }
        if cell.survived == Some(true) {
            survived = Some(true);
        }
        parts.push(format!("{label}: {}", cell.text));
    }
    Cell {
        text: parts.join("; "),
        survived,
        failed: false,
    }
}

/// A plugin directory holding step 05's transformer, its panicking fixture and our aborting one.
fn copy_plugins(context: &Context) -> Result<PathBuf, String> {
    let profile = context.mode.target_subdir();
    let step05 = context.root.join("step05_runtime_dll/target").join(profile);
    let fixtures = context.root.join(FIXTURES).join("target").join(profile);
    let dir = context.scratch.join("step05-plugins");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (from, name) in [
        (&step05, "component2"),
        (&step05, "panicking_processor"),
        (&fixtures, "aborting_processor"),
    ] {
        let file = format!(
            "{}{name}{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        );
        fs::copy(from.join(&file), dir.join(&file))
            .map_err(|e| format!("cannot copy {}: {e}", from.join(&file).display()))?;
    }
    Ok(dir)
}

/// What one run showed.
struct Observed {
    ended: process::Ended,
    summary: Option<Summary>,
    /// What happened around the fault: when the component came back, or why no fault landed.
    notes: Vec<String>,
    /// The command could not do its part (start the services, find `ps`).
    trouble: Option<String>,
    /// The run ended before the fault could be thrown: it shows nothing about the fault.
    missed: bool,
}

impl Observed {
    /// A run the command could not start: `why` says what was missing.
    fn not_run(why: String) -> Observed {
        Observed {
            ended: process::Ended {
                status: None,
                summary_line: None,
                stderr_tail: String::new(),
            },
            summary: None,
            notes: Vec::new(),
            trouble: Some(why),
            missed: false,
        }
    }

    fn status_ok(&self) -> bool {
        self.ended.status.is_some_and(|s| s.success())
    }

    /// One line: did the app survive, how many of the N pipelines gave no result, and the
    /// longest wait for one of them.
    fn describe(&self, pipelines: usize) -> String {
        let mut text = match (&self.ended.status, &self.summary) {
            (None, _) => "did not finish in time; stopped".to_string(),
            (Some(status), Some(summary)) => {
                let lost = pipelines.saturating_sub(summary.ok);
                let lost = format!(
                    "{} of {} lost",
                    report::count(lost),
                    report::count(pipelines)
                );
                let wait = longest_wait(summary);
                if status.success() && summary.failed == 0 && summary.ok == pipelines {
                    format!("survived: {lost}, {wait}")
                } else if status.success() {
                    format!("app finished, {} failed: {lost}, {wait}", summary.failed)
                } else {
                    format!("app stopped ({}): {lost}, {wait}", short_status(status))
                }
            }
            (Some(status), None) if status.success() => {
                "app finished without a summary line".to_string()
            }
            (Some(status), None) => format!(
                "app {} ({}), no summary: {} of {} lost, longest wait not measured",
                if status.code().is_some() {
                    "stopped"
                } else {
                    "died"
                },
                short_status(status),
                report::count(pipelines),
                report::count(pipelines)
            ),
        };
        for note in &self.notes {
            let _ = write!(text, "; {note}");
        }
        text
    }

    fn cell(&self, pipelines: usize) -> Cell {
        if let Some(trouble) = &self.trouble {
            return Cell::failed(trouble.clone());
        }
        if self.missed {
            return Cell::explained(
                "not measured: the run ended before the fault was thrown (it ran faster than \
                 the runs without a fault)",
            );
        }
        let survived = self.status_ok()
            && self
                .summary
                .as_ref()
                .is_some_and(|s| s.failed == 0 && s.ok == pipelines);
        Cell {
            text: self.describe(pipelines),
            survived: (!self.missed).then_some(survived),
            failed: false,
        }
    }

    /// Keeps the app's last error line for the notes under the table.
    fn note_error(&self, context: &mut Context, row: &Row, what: &str) {
        if !self.status_ok() && !self.ended.stderr_tail.is_empty() {
            context.notes.push(format!(
                "Step {} ({what}): the app's stderr ended with `{}`",
                row.step,
                shorten(&without_root(&self.ended.stderr_tail, &context.root), 240)
            ));
        }
    }
}

/// `exit status: 1` as `exit 1`, `signal: 6 (SIGABRT) (core dumped)` as `SIGABRT`.
fn short_status(status: &std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit {code}");
    }
    let text = status.to_string();
    match text
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
    {
        Some((name, _)) => name.to_string(),
        None => text,
    }
}

/// `longest wait 3.02 s`: the slowest pipeline of the run (`max_us` of its `summary:` line), with
/// how many were in flight when the app ran more than one at a time; or why there is no figure.
fn longest_wait(summary: &Summary) -> String {
    let Some(max) = summary.max else {
        return "longest wait not measured (the app's `summary:` line has no `max_us`)".to_string();
    };
    let mut text = format!("longest wait {}", wait(max));
    if let Some(concurrency) = summary.extra("concurrency").filter(|n| *n != "1") {
        let _ = write!(text, " ({concurrency} pipelines in flight)");
    }
    text
}

/// A wait in the unit that reads best: `41 µs`, `12.5 ms`, `3.02 s`.
fn wait(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 1e-3 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}

/// Whether a run with `aborting_processor` ended as it was asked to: the app killed by the abort
/// (`SIGABRT` on Unix), and the plugin's last words naming `call`, the call it was told to abort
/// on. Anything else means the fixture or the way it is loaded is broken, and the crash cell would
/// measure something other than an abort.
fn aborted_on_call(ended: &process::Ended, call: usize) -> Result<(), String> {
    let Some(status) = ended.status else {
        return Err("the app did not finish in time".into());
    };
    if !killed_by_abort(&status) {
        return Err(format!(
            "the app ended with {}, not by an abort",
            short_status(&status)
        ));
    }
    let expected = format!("aborting on call {call},");
    if !ended.stderr_tail.contains(&expected) {
        return Err(format!(
            "its stderr ended with `{}`, not `{expected}`",
            shorten(&ended.stderr_tail, 200)
        ));
    }
    Ok(())
}

/// `std::process::abort` raises `SIGABRT` (6 on Linux and macOS alike).
#[cfg(unix)]
fn killed_by_abort(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(6)
}

/// `std::process::abort` ends a Windows process with `STATUS_STACK_BUFFER_OVERRUN` (`__fastfail`).
#[cfg(not(unix))]
fn killed_by_abort(status: &std::process::ExitStatus) -> bool {
    status.code() == Some(0xC000_0409_u32 as i32)
}

fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// `text` with the repository's own path left out, so the report reads the same on any machine.
fn without_root(text: &str, root: &Path) -> String {
    let mut root = root.display().to_string();
    root.push(std::path::MAIN_SEPARATOR);
    text.replace(&root, "")
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        text.replace('`', "'")
    } else {
        let cut: String = text.chars().take(limit).collect();
        format!("{}…", cut.replace('`', "'"))
    }
}

/// The services a step 07 or 08 run needs outside the app, kept running by this command.
struct Services {
    managed: Vec<Managed>,
    /// Arguments and environment that point the app at them.
    app_args: Vec<String>,
    app_env: Vec<(String, String)>,
}

impl Services {
    fn start(context: &Context, row: &Row) -> Result<Services, String> {
        let dir = row.program.path(&context.root, context.mode);
        let dir = dir.parent().unwrap_or(Path::new("."));
        let binary = |name: &str| dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        let log = |name: &str| context.scratch.join(format!("step{}-{name}.log", row.step));
        let mut services = Services {
            managed: Vec::new(),
            app_args: Vec::new(),
            app_env: Vec::new(),
        };
        match row.kind {
            Kind::Http => {
                let mut ports = Vec::new();
                for (name, variable) in [("service1", "SERVICE1_URL"), ("service2", "SERVICE2_URL")]
                {
                    // The hardened services: graceful shutdown on SIGTERM, `/health`.
                    let file = format!("hardened-{name}");
                    let port = free_port()?;
                    let env = vec![
                        ("PORT".to_string(), port.to_string()),
                        ("BIND_ADDR".to_string(), "127.0.0.1".to_string()),
                    ];
                    services
                        .managed
                        .push(Managed::start(name, &binary(&file), env, log(name))?);
                    services
                        .app_env
                        .push((variable.to_string(), format!("http://127.0.0.1:{port}")));
                    ports.push((name, port));
                }
                for (name, port) in ports {
                    wait_for_port(name, port, Duration::from_secs(20))?;
                }
            }
            Kind::Broker => {
                let env = vec![(
                    "QUEUE_PREFIX".to_string(),
                    queue_prefix(context.mode).to_string(),
                )];
                // The hardened workers, under the names the faults look for.
                for name in ["service1", "service2"] {
                    services.managed.push(Managed::start(
                        name,
                        &binary(&format!("hardened-{name}")),
                        env.clone(),
                        log(name),
                    )?);
                }
                services.app_args = vec!["--workers".into(), "external".into()];
                services.app_env = env;
            }
            _ => {}
        }
        Ok(services)
    }
}

/// A loopback port nothing listens on a moment ago.
fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot find a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

fn wait_for_port(name: &str, port: u16, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "{name} did not listen on port {port} within {}",
        seconds(limit)
    ))
}

/// Replaces the executable at `path` with a new file holding the same build, the way an upgrade
/// lands: written beside it, then renamed over it. The running process keeps the old file.
fn swap_in_new_file(path: &Path) -> Result<(), String> {
    let mut new = path.as_os_str().to_owned();
    new.push(".faults-new");
    let new = PathBuf::from(new);
    fs::copy(path, &new).map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
    fs::rename(&new, path).map_err(|e| format!("cannot rename over {}: {e}", path.display()))
}

/// Where the fault stands during a run.
enum Stage {
    Waiting,
    /// The component is stopped until then.
    Hung {
        pid: u32,
        until: Instant,
    },
    /// The fault was thrown at `pid`; a process that replaces it is looked for.
    Thrown {
        pid: u32,
        at: Instant,
    },
    Done,
}

/// One run of `pipelines` pipelines with `fault` thrown at the component.
fn run_once(
    context: &Context,
    row: &Row,
    pipelines: usize,
    fault: Fault,
    extra_args: &[String],
    extra_env: &[(String, String)],
) -> Observed {
    let mut notes = Vec::new();
    let mut trouble = None;
    let mut services = match Services::start(context, row) {
        Ok(services) => services,
        Err(why) => {
            return Observed::not_run(why);
        }
    };
    let mut args = vec![
        "--repeat".to_string(),
        pipelines.to_string(),
        "--warmup".to_string(),
        WARMUP.to_string(),
    ];
    args.extend(services.app_args.iter().cloned());
    args.extend(extra_args.iter().cloned());
    let mut env = services.app_env.clone();
    env.extend(extra_env.iter().cloned());
    let app = row.program.path(&context.root, context.mode);
    let stderr = context
        .scratch
        .join(format!("step{}-app.stderr", row.step.replace('/', "-")));
    let running = match Running::start(
        &app,
        &args,
        &env,
        &context.root.join(row.program.workspace),
        stderr,
    ) {
        Ok(running) => running,
        Err(why) => {
            return Observed::not_run(why);
        }
    };
    let timing = context.timing;
    let limit = context.timing.run_for * 3 + timing.hang_for + RUN_SLACK;
    let deadline = Instant::now() + limit;
    let mut stage = if fault == Fault::None {
        Stage::Done
    } else {
        Stage::Waiting
    };
    // Steps 07 and 08 run their hardened services (`hardened-service1`): they stop cleanly on
    // SIGTERM, and step 08's reconnect; the managed service keeps the name `service1`.
    let file_name = match row.kind {
        Kind::Http | Kind::Broker => format!("hardened-{COMPONENT}"),
        _ => COMPONENT.to_string(),
    };
    let component_file = app.with_file_name(format!("{file_name}{}", std::env::consts::EXE_SUFFIX));
    let ended = running.finish(deadline, |running| {
        // The service manager's part: a managed service that exits is started again.
        for service in &mut services.managed {
            match service.restart_if_exited() {
                Ok(true) => {
                    if let Stage::Thrown { at, .. } = stage {
                        notes.push(format!(
                            "{} back {} ms after the fault",
                            service.name,
                            at.elapsed().as_millis()
                        ));
                        stage = Stage::Done;
                    }
                }
                Ok(false) => {}
                Err(why) => trouble = Some(why),
            }
        }
        match stage {
            Stage::Waiting if running.elapsed() >= timing.fault_at => {
                match throw(
                    running,
                    &mut services,
                    row,
                    fault,
                    &component_file,
                    &context.scratch,
                ) {
                    Ok(Some(pid)) if fault == Fault::Hang => {
                        stage = Stage::Hung {
                            pid,
                            until: Instant::now() + timing.hang_for,
                        };
                    }
                    Ok(Some(_)) if fault == Fault::Upgrade && row.kind == Kind::Broker => {
                        notes.push(format!(
                            "the new {COMPONENT} started before the old one was stopped"
                        ));
                        stage = Stage::Done;
                    }
                    Ok(Some(pid)) => {
                        stage = Stage::Thrown {
                            pid,
                            at: Instant::now(),
                        }
                    }
                    Ok(None) if running.elapsed() > timing.fault_at + Duration::from_secs(10) => {
                        trouble = Some(format!(
                            "no {COMPONENT} process found to throw the fault at"
                        ));
                        stage = Stage::Done;
                    }
                    Ok(None) => {}
                    Err(why) => {
                        trouble = Some(why);
                        stage = Stage::Done;
                    }
                }
            }
            Stage::Hung { pid, until } if Instant::now() >= until => {
                if let Err(why) = running.continue_process(pid) {
                    trouble = Some(why);
                }
                stage = Stage::Done;
            }
            Stage::Thrown { pid, at } if row.kind == Kind::Children => {
                // Step 06's supervisor: look for the new child.
                if let Some(new) = running
                    .look_below()
                    .into_iter()
                    .find(|p| p.name == COMPONENT && p.pid != pid && p.ppid == running.pid())
                {
                    let mut note = format!(
                        "{COMPONENT} back {} ms after the fault",
                        at.elapsed().as_millis()
                    );
                    if fault == Fault::Upgrade {
                        match process::runs_current_file(new.pid) {
                            Some(true) => note.push_str(", running the new file"),
                            Some(false) => note.push_str(", but running the OLD file"),
                            None => {}
                        }
                    }
                    notes.push(note);
                    stage = Stage::Done;
                } else if at.elapsed() > Duration::from_secs(30) {
                    stage = Stage::Done;
                }
            }
            _ => {}
        }
    });
    let missed = matches!(stage, Stage::Waiting);
    if let Stage::Thrown { .. } = stage
        && row.kind == Kind::Children
    {
        notes.push(format!("no new {COMPONENT} seen"));
    }
    let summary = ended
        .summary_line
        .as_deref()
        .and_then(|line| Summary::parse(line).ok());
    Observed {
        ended,
        summary,
        notes,
        trouble,
        missed,
    }
}

/// Throws `fault` at the component; returns the pid it was thrown at, or `None` if the component
/// has no process yet.
fn throw(
    running: &mut Running,
    services: &mut Services,
    row: &Row,
    fault: Fault,
    component_file: &Path,
    scratch: &Path,
) -> Result<Option<u32>, String> {
    let pid = match row.kind {
        Kind::InProcess | Kind::Plugins => Some(running.pid()),
        Kind::Children => running
            .look_below()
            .into_iter()
            .find(|p| p.name == COMPONENT && p.ppid == running.pid())
            .map(|p| p.pid),
        Kind::Http | Kind::Broker => services
            .managed
            .iter()
            .find(|s| s.name == COMPONENT && s.restart)
            .map(Managed::pid),
    };
    let Some(pid) = pid else {
        return Ok(None);
    };
    match fault {
        Fault::None => {}
        Fault::Crash => process::signal(pid, "KILL")?,
        Fault::Hang => running.stop_process(pid)?,
        Fault::Upgrade => {
            swap_in_new_file(component_file)?;
            if row.kind == Kind::Broker {
                // Workers share a queue: start the new one first, then stop the old one, whose
                // unacknowledged message (if any) the broker hands to the new one.
                let old = services
                    .managed
                    .iter_mut()
                    .find(|s| s.name == COMPONENT && s.restart)
                    .ok_or("no service1 to retire")?;
                old.restart = false;
                // The app's environment for step 08 is the queue prefix the workers need.
                let env = services.app_env.clone();
                let log = scratch.join("step08-service1-upgraded.log");
                let new = Managed::start(COMPONENT, component_file, env, log)?;
                services.managed.push(new);
            }
            process::signal(pid, "TERM")?;
        }
    }
    Ok(Some(pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_runs_a_binary_of_a_workspace_in_this_repository() {
        let root = steps::repo_root();
        for row in &ROWS {
            assert!(
                root.join(row.program.workspace)
                    .join("Cargo.toml")
                    .is_file(),
                "{}",
                row.program.workspace
            );
        }
        assert!(root.join(FIXTURES).join("Cargo.toml").is_file());
    }

    #[test]
    fn a_fault_lands_inside_a_run_and_a_hang_ends_before_it_would() {
        for mode in [Mode::Full, Mode::Smoke] {
            let timing = timing(mode);
            assert!(timing.fault_at * 2 < timing.run_for, "{mode:?}");
            assert!(timing.hang_for > Duration::ZERO, "{mode:?}");
        }
    }

    #[test]
    fn a_wait_is_shown_in_the_unit_that_reads_best() {
        assert_eq!(wait(Duration::from_micros(41)), "41 µs");
        assert_eq!(wait(Duration::from_micros(12_480)), "12.5 ms");
        assert_eq!(wait(Duration::from_millis(3021)), "3.02 s");
    }

    #[test]
    fn the_longest_wait_is_the_slowest_pipeline_or_says_it_was_not_measured() {
        let line = "summary: requests=3 ok=3 failed=0 elapsed_ms=9 p50_us=10 p99_us=20";
        let without_max = Summary::parse(line).unwrap();
        assert_eq!(
            longest_wait(&without_max),
            "longest wait not measured (the app's `summary:` line has no `max_us`)"
        );
        let one_at_a_time =
            Summary::parse(&format!("{line} max_us=3021000 concurrency=1")).unwrap();
        assert_eq!(longest_wait(&one_at_a_time), "longest wait 3.02 s");
        let four = Summary::parse(&format!("{line} max_us=900 concurrency=4")).unwrap();
        assert_eq!(
            longest_wait(&four),
            "longest wait 900 µs (4 pipelines in flight)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_abort_counts_only_if_it_killed_the_app_on_the_call_asked_for() {
        use std::os::unix::process::ExitStatusExt;
        let ended = |raw: i32, tail: &str| process::Ended {
            status: Some(std::process::ExitStatus::from_raw(raw)),
            summary_line: None,
            stderr_tail: tail.to_string(),
        };
        let said = "aborting_processor: aborting on call 71, as asked";
        assert_eq!(aborted_on_call(&ended(6, said), 71), Ok(()));
        assert!(aborted_on_call(&ended(6, said), 7).is_err(), "another call");
        assert!(aborted_on_call(&ended(9, said), 71).is_err(), "SIGKILL");
        assert!(aborted_on_call(&ended(1 << 8, said), 71).is_err(), "exit 1");
    }

    #[cfg(unix)]
    #[test]
    fn an_exit_status_is_shown_as_its_code_or_its_signal_name() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            short_status(&std::process::ExitStatus::from_raw(1 << 8)),
            "exit 1"
        );
        assert_eq!(
            short_status(&std::process::ExitStatus::from_raw(9)),
            "SIGKILL"
        );
    }

    #[test]
    fn the_repository_path_is_left_out_of_an_error_line() {
        let root = Path::new("/repo");
        let line = format!(
            "error: /repo{}target/x.so panicked",
            std::path::MAIN_SEPARATOR
        );
        assert_eq!(without_root(&line, root), "error: target/x.so panicked");
    }

    #[test]
    fn long_error_lines_are_cut_and_keep_no_backtick() {
        assert_eq!(shorten("a `b` c", 100), "a 'b' c");
        assert_eq!(shorten("abcdef", 3), "abc…");
    }

    #[test]
    fn a_new_file_replaces_the_old_one_under_the_same_name() {
        let dir = std::env::temp_dir().join(format!("faults-swap-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("service1");
        fs::write(&path, "build").unwrap();
        let before = fs::metadata(&path).unwrap();
        swap_in_new_file(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "build");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            assert_ne!(fs::metadata(&path).unwrap().ino(), before.ino());
        }
        let _ = before;
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
