//! The short forms of the measurements, read back from the full tables in `bench/results/`: the
//! compact table of the root README (one row per step: what a pipeline costs, what the step
//! survives) and the "What it shows" paragraph of `bench/README.md`.
//!
//! `cargo xtask bench` writes `boundaries.md` (the cost table), `cargo xtask faults` writes
//! `faults.md` (the fault table); after a full run each calls [`write`], which parses both files
//! and rewrites the two short forms. Whichever command ran last, the short forms come from the
//! same figures as the full tables, and a convention test holds the committed pages to that.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::bench::report::replace_block;

/// The root README's compact table lies between these two lines.
pub const COMPACT_BEGIN: &str =
    "<!-- compact table: begin (written by `cargo xtask bench` and `cargo xtask faults`) -->";
pub const COMPACT_END: &str = "<!-- compact table: end -->";
/// `bench/README.md`'s "What it shows" paragraph lies between these two lines.
pub const SHOWS_BEGIN: &str =
    "<!-- what it shows: begin (written by `cargo xtask bench` and `cargo xtask faults`) -->";
pub const SHOWS_END: &str = "<!-- what it shows: end -->";

/// The full tables, relative to the repository root.
pub const COSTS_FILE: &str = "bench/results/boundaries.md";
pub const FAULTS_FILE: &str = "bench/results/faults.md";
/// The page that shows the full tables, the method and what they show.
pub const BENCH_README: &str = "bench/README.md";

/// Rewrites the compact table in `README.md` and the paragraph in `bench/README.md` from the full
/// tables in `bench/results/` (a missing table reads as empty). Returns the files written.
pub fn write(root: &Path) -> Result<Vec<PathBuf>, String> {
    let read = |path: &Path| fs::read_to_string(path).unwrap_or_default();
    let costs = read(&root.join(COSTS_FILE));
    let faults = read(&root.join(FAULTS_FILE));
    let mut written = Vec::new();
    for (page, markers, block) in [
        (
            "README.md",
            (COMPACT_BEGIN, COMPACT_END),
            compact_table(&costs, &faults),
        ),
        (
            BENCH_README,
            (SHOWS_BEGIN, SHOWS_END),
            what_it_shows(&costs, &faults),
        ),
    ] {
        let path = root.join(page);
        replace_in_file(&path, markers, &block)?;
        written.push(path);
    }
    Ok(written)
}

/// Replaces the block between `markers` in the file at `path` with `block`.
pub fn replace_in_file(path: &Path, markers: (&str, &str), block: &str) -> Result<(), String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let updated = replace_block(&text, markers, block).ok_or_else(|| {
        format!(
            "{} has no block to rewrite: add the lines `{}` and `{}`",
            path.display(),
            markers.0,
            markers.1
        )
    })?;
    fs::write(path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The cells of a Markdown table row, trimmed, `\|` read as `|`; `None` for any other line and
/// for the `|---|:-:|` line under a header.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut()?.push('|');
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut()?.push(c),
        }
    }
    let cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_string()).collect();
    let rule = cells
        .iter()
        .all(|c| !c.is_empty() && c.chars().all(|c| matches!(c, '-' | ':')));
    (!rule).then_some(cells)
}

/// A step's row of the bench's cost table.
#[derive(Debug, PartialEq)]
struct Cost {
    boundary: String,
    step: String,
    p50: String,
    times_direct: String,
}

/// The step rows of the cost table (`| Boundary | Step | p50 | p99 | Pipelines/s | × direct call
/// | × its floor |`); floors and the scaling table are left out.
fn costs(text: &str) -> Vec<Cost> {
    text.lines()
        .filter_map(cells)
        .filter(|c| c.len() == 7 && c[0] != "Boundary" && !c[1].is_empty())
        .map(|c| Cost {
            boundary: c[0].clone(),
            step: c[1].clone(),
            p50: c[2].clone(),
            times_direct: c[5].clone(),
        })
        .collect()
}

/// A step's row of the fault table.
#[derive(Debug, PartialEq)]
struct Faults {
    step: String,
    name: String,
    crash: String,
    hang: String,
    upgrade: String,
    load: String,
}

/// The rows of the fault table (`| Step | N, run without a fault | A component crashes | A
/// component hangs for 3.0 s | A component is upgraded while the app runs | Load grows |`), and
/// how long the hang lasted, from its header.
fn fault_rows(text: &str) -> (Vec<Faults>, Option<String>) {
    let mut hang_for = None;
    let mut rows = Vec::new();
    for c in text.lines().filter_map(cells).filter(|c| c.len() == 6) {
        if c[0] == "Step" {
            hang_for = c[3]
                .strip_prefix("A component hangs for ")
                .map(str::to_string);
            continue;
        }
        let (step, name) = c[0].split_once(' ').unwrap_or((&c[0], ""));
        rows.push(Faults {
            step: step.to_string(),
            name: name.to_string(),
            crash: c[2].clone(),
            hang: c[3].clone(),
            upgrade: c[4].clone(),
            load: c[5].clone(),
        });
    }
    (rows, hang_for)
}

/// A fault cell came through with nothing lost (the fault command writes `survived: ...` then).
fn survived(cell: &str) -> bool {
    cell.starts_with("survived")
}

/// A fault cell as `yes`, `no` or `not measured`.
fn survival(cell: Option<&str>) -> &'static str {
    match cell {
        Some(cell) if survived(cell) => "yes",
        Some(cell)
            if !cell.is_empty()
                && !cell.starts_with("skipped")
                && !cell.starts_with("FAILED")
                && !cell.starts_with("not measured") =>
        {
            "no"
        }
        _ => "not measured",
    }
}

/// `("4.0×", "4")` from a "Load grows" cell (`1 → 2 → 4 workers: 1.0× → 2.0× → 4.0× the
/// pipelines/s of one`): the speed-up with the most workers, and how many; `None` when the step
/// did not scale.
fn speed_up(cell: &str) -> Option<(&str, &str)> {
    let (workers, speed_ups) = cell.split_once(" workers: ")?;
    let most = workers.rsplit(" → ").next()?;
    let best = speed_ups.split_whitespace().rfind(|w| w.ends_with('×'))?;
    Some((best, most))
}

/// A "Load grows" cell as the compact table shows it: `4.0× with 4 workers`, or `no`.
fn scaling(cell: Option<&str>) -> String {
    match cell {
        Some(cell) if cell.starts_with("nothing to add") => "no".to_string(),
        Some(cell) => speed_up(cell).map_or_else(
            || "not measured".to_string(),
            |(best, most)| format!("{best} with {most} workers"),
        ),
        None => "not measured".to_string(),
    }
}

/// The root README's table: one row per measured step, from the cost table (`costs`, the text of
/// `boundaries.md`) and the fault table (`faults`, the text of `faults.md`).
pub fn compact_table(costs_text: &str, faults_text: &str) -> String {
    let costs = costs(costs_text);
    let (faults, _) = fault_rows(faults_text);
    let mut steps: Vec<&str> = costs.iter().map(|c| c.step.as_str()).collect();
    for row in &faults {
        if !steps.contains(&row.step.as_str()) {
            steps.push(&row.step);
        }
    }
    let mut out = String::from(
        "| Step | Boundary | One pipeline (p50) | × a direct call | Survives a crash, nothing lost \
         | Survives an upgrade while running | Scales with workers |\n\
         |:-:|---|--:|--:|:-:|:-:|:-:|\n",
    );
    for step in steps {
        let cost = costs.iter().find(|c| c.step == step);
        let fault = faults.iter().find(|f| f.step == step);
        let boundary = cost
            .map(|c| c.boundary.clone())
            .or_else(|| fault.map(|f| f.name.clone()))
            .unwrap_or_default();
        let figure = |pick: fn(&Cost) -> &str| match cost.map(pick) {
            Some(text) if !text.is_empty() && text != "skipped" && text != "FAILED" => {
                text.to_string()
            }
            _ => "not measured".to_string(),
        };
        let _ = writeln!(
            out,
            "| {step} | {boundary} | {} | {} | {} | {} | {} |",
            figure(|c| &c.p50),
            figure(|c| &c.times_direct),
            survival(fault.map(|f| f.crash.as_str())),
            survival(fault.map(|f| f.upgrade.as_str())),
            scaling(fault.map(|f| f.load.as_str())),
        );
    }
    out
}

/// `longest wait 105.4 ms` out of a fault cell, as `105.4 ms`.
fn longest_wait(cell: &str) -> Option<&str> {
    let from = cell.find("longest wait ")? + "longest wait ".len();
    let rest = &cell[from..];
    let end = rest.find([';', ',', '(']).unwrap_or(rest.len());
    Some(rest[..end].trim()).filter(|w| !w.starts_with("not measured"))
}

/// A wait as `cargo xtask faults` writes it (`41 µs`, `12.5 ms`, `3.02 s`), in seconds.
fn seconds(wait: &str) -> Option<f64> {
    let (number, unit) = wait.split_once(' ')?;
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(number * scale)
}

/// `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The paragraph under the full tables, from the same two texts as [`compact_table`]: which step
/// first comes through each fault with nothing lost, and what it pays for that on every pipeline.
/// Each step is named once, with every fault it is first to survive, and its price once.
pub fn what_it_shows(costs_text: &str, faults_text: &str) -> String {
    let costs = costs(costs_text);
    let (rows, hang_for) = fault_rows(faults_text);
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("Nothing yet: `cargo xtask faults` has not written its table.\n");
        return out;
    }
    let hang = match &hang_for {
        Some(duration) => format!("a {duration} hang"),
        None => "a hang".to_string(),
    };

    // A hang that every measured step survives is time lost, not results: one sentence for all.
    let hangs: Vec<&str> = rows
        .iter()
        .map(|row| row.hang.as_str())
        .filter(|cell| survival(Some(cell)) != "not measured")
        .collect();
    let every_step_hangs = !hangs.is_empty() && hangs.iter().all(|cell| survived(cell));
    if every_step_hangs {
        let mut waits: Vec<(f64, &str)> = hangs
            .iter()
            .filter_map(|cell| longest_wait(cell))
            .filter_map(|wait| Some((seconds(wait)?, wait)))
            .collect();
        waits.sort_by(|a, b| a.0.total_cmp(&b.0));
        let range = match (waits.first(), waits.last()) {
            (Some(low), Some(high)) if low.1 != high.1 => {
                format!(" (longest wait {} to {})", low.1, high.1)
            }
            (Some(only), _) => format!(" (longest wait {})", only.1),
            _ => String::new(),
        };
        let every = if hangs.len() == rows.len() {
            "Every step"
        } else {
            "Every step measured"
        };
        let _ = write!(
            out,
            " {every} came through {hang} with nothing lost: it cost time, not results{range}."
        );
    }

    // The first step through each fault; then each such step once, with all it was first to do.
    type Pick = fn(&Faults) -> &str;
    let mut faults: Vec<(String, Pick)> = vec![
        ("a crash".to_string(), |row| &row.crash),
        ("an upgrade while the app runs".to_string(), |row| {
            &row.upgrade
        }),
    ];
    if !every_step_hangs {
        faults.insert(1, (hang, |row| &row.hang));
    }
    struct First<'a> {
        row: &'a Faults,
        survivals: Vec<String>,
        scales: Option<(&'a str, &'a str)>,
    }
    let mut firsts: Vec<First> = Vec::new();
    for (name, pick) in &faults {
        let Some(row) = rows.iter().find(|row| survived(pick(row))) else {
            let _ = write!(out, " No step came through {name} with nothing lost.");
            continue;
        };
        let phrase = match longest_wait(pick(row)) {
            Some(wait) => format!("{name} (longest wait {wait})"),
            None => name.clone(),
        };
        match firsts.iter_mut().find(|first| first.row.step == row.step) {
            Some(first) => first.survivals.push(phrase),
            None => firsts.push(First {
                row,
                survivals: vec![phrase],
                scales: None,
            }),
        }
    }
    if let Some((row, scales)) = rows
        .iter()
        .find_map(|row| Some((row, speed_up(&row.load)?)))
    {
        match firsts.iter_mut().find(|first| first.row.step == row.step) {
            Some(first) => first.scales = Some(scales),
            None => firsts.push(First {
                row,
                survivals: Vec::new(),
                scales: Some(scales),
            }),
        }
    }
    firsts.sort_by_key(|first| rows.iter().position(|r| r.step == first.row.step));

    let direct = costs.first();
    let mut priced = false;
    for first in &firsts {
        let _ = write!(
            out,
            " Step {} ({}) is the first",
            first.row.step, first.row.name
        );
        if !first.survivals.is_empty() {
            let _ = write!(
                out,
                " to come through {} with nothing lost",
                and_list(&first.survivals)
            );
        }
        if let Some((best, most)) = first.scales {
            let and = if first.survivals.is_empty() {
                ""
            } else {
                ", and"
            };
            let _ = write!(
                out,
                "{and} to take more load with more workers: {most} workers run {best} the \
                 pipelines per second of one"
            );
        }
        out.push('.');
        let cost = costs
            .iter()
            .find(|c| c.step == first.row.step && seconds(&c.p50).is_some());
        match (cost, direct) {
            (Some(cost), Some(direct)) if cost.step == direct.step => {
                out.push_str(" That costs nothing: it is the direct call.");
            }
            // The first price in full; the next ones short, as a person would not repeat it.
            (Some(cost), Some(direct)) if !priced => {
                priced = true;
                let _ = write!(
                    out,
                    " It pays for that on every pipeline, fault or not: {} instead of a direct \
                     call's {}, {} as long.",
                    cost.p50, direct.p50, cost.times_direct
                );
            }
            (Some(cost), Some(_)) => {
                let _ = write!(
                    out,
                    " Its price, on every pipeline: {}, {} a direct call.",
                    cost.p50, cost.times_direct
                );
            }
            _ => {}
        }
    }
    out.push('\n');
    out.trim_start().to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const COSTS: &str = "Measured on 2026-11-29.\n\n\
        | Boundary | Step | p50 | p99 | Pipelines/s | × direct call | × its floor |\n\
        |---|:-:|--:|--:|--:|--:|--:|\n\
        | direct call | 02 | 1.62 µs | 94.7 µs | 236,565 | 1.0× |  |\n\
        | child processes, JSON lines over pipes | 06 | 85.7 µs | 179 µs | 10,835 | 53× | 0.98× |\n\
        | ↳ floor: echo children over pipes |  | 87.0 µs | 188 µs | 10,197 | 54× |  |\n\
        | HTTP on loopback | 07 | 191 µs | 405 µs | 4,786 | 118× | 0.93× |\n\
        | RabbitMQ RPC | 08 | skipped | | | | |\n\n\
        | Step | Workers | Elapsed | Pipelines/s | Speed-up |\n\
        |:-:|--:|--:|--:|--:|\n\
        | 07 | 1 | 4.39 s | 46 | 1.0× |\n";

    const FAULTS: &str = "Measured with `cargo xtask faults`.\n\n\
        | Step | N, run without a fault | A component crashes | A component hangs for 3.0 s | A component is upgraded while the app runs | Load grows |\n\
        |:-:|--:|---|---|---|---|\n\
        | 02 workspace of crates | 9 | app died (SIGKILL), no summary: 9 of 9 lost, longest wait not measured | survived: 0 of 9 lost, longest wait 3.02 s | not while it runs: rebuild | nothing to add: one thread |\n\
        | 06 child processes | 9 | survived: 0 of 9 lost, longest wait 105.4 ms; service1 back 121 ms after the fault | survived: 0 of 9 lost, longest wait 3.01 s | survived: 0 of 9 lost, longest wait 104.1 ms; service1 back | nothing to add: one child \\| of each |\n\
        | 07 HTTP services | 9 | survived: 0 of 9 lost, longest wait 104.3 ms | survived: 0 of 9 lost, longest wait 3.01 s | survived: 0 of 9 lost, longest wait 103.1 ms | 1 → 2 → 4 workers: 1.0× → 2.0× → 3.9× the pipelines/s of one |\n\
        | 08 workers behind RabbitMQ | | skipped: RabbitMQ is not reachable (see below) | skipped: RabbitMQ is not reachable (see below) | skipped: RabbitMQ is not reachable (see below) | skipped: RabbitMQ is not reachable (see below) |\n\n\
        - **N**: pipelines in each run.\n";

    #[test]
    fn a_table_row_splits_on_pipes_but_not_on_escaped_ones() {
        assert_eq!(
            cells("| a | b \\| c |  |"),
            Some(vec!["a".into(), "b | c".into(), "".into()])
        );
        assert_eq!(cells("|---|:-:|--:|"), None);
        assert_eq!(cells("- **N**: pipelines"), None);
    }

    #[test]
    fn the_cost_rows_are_the_steps_not_their_floors_nor_the_scaling_runs() {
        let steps: Vec<String> = costs(COSTS).into_iter().map(|c| c.step).collect();
        assert_eq!(steps, ["02", "06", "07", "08"]);
        assert_eq!(
            costs(COSTS)[1],
            Cost {
                boundary: "child processes, JSON lines over pipes".into(),
                step: "06".into(),
                p50: "85.7 µs".into(),
                times_direct: "53×".into(),
            }
        );
    }

    #[test]
    fn the_compact_table_has_a_row_per_step_with_its_price_and_what_it_survives() {
        let table = compact_table(COSTS, FAULTS);
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 2 + 4, "{table}");
        assert_eq!(
            rows[2],
            "| 02 | direct call | 1.62 µs | 1.0× | no | no | no |"
        );
        assert_eq!(
            rows[3],
            "| 06 | child processes, JSON lines over pipes | 85.7 µs | 53× | yes | yes | no |"
        );
        assert_eq!(
            rows[4],
            "| 07 | HTTP on loopback | 191 µs | 118× | yes | yes | 3.9× with 4 workers |"
        );
        assert_eq!(
            rows[5],
            "| 08 | RabbitMQ RPC | not measured | not measured | not measured | not measured | \
             not measured |"
        );
    }

    #[test]
    fn a_compact_table_without_a_fault_table_says_not_measured() {
        let table = compact_table(COSTS, "");
        assert!(
            table.contains(
                "| 02 | direct call | 1.62 µs | 1.0× | not measured | not measured | not measured |"
            ),
            "{table}"
        );
    }

    #[test]
    fn what_it_shows_names_each_survival_once_and_each_price_once() {
        let text = what_it_shows(COSTS, FAULTS);
        assert_eq!(
            text,
            "Every step measured came through a 3.0 s hang with nothing lost: \
             it cost time, not results (longest wait 3.01 s to 3.02 s). Step 06 (child \
             processes) is the first to come through a crash (longest wait 105.4 ms) and an \
             upgrade while the app runs (longest wait 104.1 ms) with nothing lost. It pays for \
             that on every pipeline, fault or not: 85.7 µs instead of a direct call's 1.62 µs, \
             53× as long. Step 07 (HTTP services) is the first to take more load with more \
             workers: 4 workers run 3.9× the pipelines per second of one. Its price, on every \
             pipeline: 191 µs, 118× a direct call.\n"
        );
    }

    #[test]
    fn a_hang_every_step_survives_is_one_sentence() {
        let every = FAULTS.replacen(
            "(see below) | skipped: RabbitMQ is not reachable (see below) | skipped",
            "(see below) | survived: 0 of 9 lost, longest wait 3.05 s | skipped",
            1,
        );
        let text = what_it_shows(COSTS, &every);
        assert!(
            text.starts_with(
                "Every step came through a 3.0 s hang with nothing lost: it \
                 cost time, not results (longest wait 3.01 s to 3.05 s). Step 06"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_hang_some_step_loses_to_is_named_with_its_first_survivor() {
        let lost = FAULTS.replacen(
            "survived: 0 of 9 lost, longest wait 3.01 s",
            "app died (SIGKILL), no summary: 9 of 9 lost, longest wait not measured",
            1,
        );
        let text = what_it_shows(COSTS, &lost);
        assert!(
            text.starts_with(
                "Step 02 (workspace of crates) is the first to come through \
                 a 3.0 s hang (longest wait 3.02 s) with nothing lost. That costs nothing: it is \
                 the direct call. Step 06 (child processes) is the first to come through a crash \
                 (longest wait 105.4 ms) and an upgrade"
            ),
            "{text}"
        );
    }

    #[test]
    fn no_fault_table_is_said_in_one_line() {
        assert_eq!(
            what_it_shows(COSTS, ""),
            "Nothing yet: `cargo xtask faults` has not written its table.\n"
        );
    }

    /// A repository root of its own, with the pages and markers [`write`] needs.
    pub(crate) fn scratch_root(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("bench/results")).unwrap();
        let readme = format!("# Title\n{COMPACT_BEGIN}\nold\n{COMPACT_END}\nafter\n");
        fs::write(root.join("README.md"), readme).unwrap();
        let page = format!(
            "# Bench\n{}\nold\n{}\n{}\nold\n{}\n{SHOWS_BEGIN}\nold\n{SHOWS_END}\n",
            crate::bench::report::README_BEGIN,
            crate::bench::report::README_END,
            crate::faults::report::README_BEGIN,
            crate::faults::report::README_END,
        );
        fs::write(root.join(BENCH_README), page).unwrap();
        root
    }

    #[test]
    fn write_rewrites_both_short_forms_from_the_files_in_bench_results() {
        let root = scratch_root("results-write");
        fs::write(root.join(COSTS_FILE), COSTS).unwrap();
        fs::write(root.join(FAULTS_FILE), FAULTS).unwrap();
        let written = write(&root).unwrap();
        assert_eq!(written, [root.join("README.md"), root.join(BENCH_README)]);
        let readme = fs::read_to_string(root.join("README.md")).unwrap();
        assert_eq!(
            readme,
            format!(
                "# Title\n{COMPACT_BEGIN}\n{}\n{COMPACT_END}\nafter\n",
                compact_table(COSTS, FAULTS).trim_end()
            )
        );
        let page = fs::read_to_string(root.join(BENCH_README)).unwrap();
        assert!(
            page.contains(what_it_shows(COSTS, FAULTS).trim_end()),
            "{page}"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn waits_read_back_in_seconds() {
        let near = |wait: &str, expected: f64| (seconds(wait).unwrap() - expected).abs() < 1e-9;
        assert!(near("3.02 s", 3.02));
        assert!(near("105.4 ms", 0.1054));
        assert!(near("41 µs", 41e-6));
        assert_eq!(seconds("3.02 hours"), None);
        assert_eq!(
            longest_wait("survived: 0 of 9 lost, longest wait 105.4 ms; back"),
            Some("105.4 ms")
        );
        assert_eq!(longest_wait("app died, longest wait not measured"), None);
    }
}
