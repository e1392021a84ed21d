//! The faults' results as a reader sees them: one Markdown table, what its figures are, and the
//! block of `bench/README.md` between its two fault markers. Which step first comes through each
//! fault, and at what price, is read back from this table by [`crate::results`].

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{Cell, Mode, Results, seconds, wait};

/// `bench/README.md`'s fault block lies between these two lines; the command rewrites what is
/// between.
pub const README_BEGIN: &str = "<!-- fault table: begin (written by `cargo xtask faults`) -->";
pub const README_END: &str = "<!-- fault table: end -->";

const MARKDOWN_FILE: &str = "faults.md";

/// A whole number with thousands separators, as the bench writes them.
pub fn count(value: usize) -> String {
    crate::bench::count(value as f64)
}

/// Writes the Markdown into `bench/results/`, the block of `bench/README.md` and the short forms
/// made from it (full run, see [`crate::results`]), or into `scratch` (smoke run). Returns the
/// files written.
pub fn write(
    results: &Results,
    markdown: &str,
    scratch: &Path,
    root: &Path,
) -> Result<Vec<PathBuf>, String> {
    let save = |path: &Path, text: &str| {
        fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if results.mode == Mode::Smoke {
        let path = scratch.join(MARKDOWN_FILE);
        save(&path, markdown)?;
        return Ok(vec![path]);
    }
    let dir = root.join("bench").join("results");
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(MARKDOWN_FILE);
    save(&path, markdown)?;
    let page = root.join(crate::results::BENCH_README);
    crate::results::replace_in_file(&page, (README_BEGIN, README_END), markdown)?;
    let mut written = vec![path, page];
    written.extend(crate::results::write(root)?);
    Ok(written)
}

/// The table, what its figures are, and the notes the cells cannot hold.
pub fn markdown(results: &Results) -> String {
    let mut out = String::new();
    let build = match results.mode {
        Mode::Full => "release builds",
        Mode::Smoke => "debug builds, smoke run: short runs, not a measurement",
    };
    let timing = results.timing;
    let _ = writeln!(
        out,
        "Measured with `cargo xtask faults` ({build}), on the machine of the cost table above.\n"
    );
    let _ = writeln!(
        out,
        "| Step | N, run without a fault | A component crashes | A component hangs for {} | A component is upgraded while the app runs | Load grows |",
        seconds(timing.hang_for)
    );
    out.push_str("|:-:|--:|---|---|---|---|\n");
    for row in &results.rows {
        let n = match (row.references.first(), row.references.last()) {
            (Some(shortest), Some(longest)) => format!(
                "{}; {} ({}–{}); {}",
                count(row.pipelines),
                seconds(row.references[row.references.len() / 2]),
                seconds(*shortest),
                seconds(*longest),
                slowest_without_a_fault(&row.reference_max)
            ),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} {} | {n} | {} | {} | {} | {} |",
            row.step,
            row.name,
            cell(&row.crash),
            cell(&row.hang),
            cell(&row.upgrade),
            cell(&row.load)
        );
    }
    let _ = writeln!(
        out,
        "\n- **N**: pipelines in each run, after {} unmeasured; N is grown until a run without a \
         fault lasts {}. Beside it, {} runs without a fault: their median measured time \
         (`elapsed_ms`; shortest–longest in brackets: the noise of this machine, which is why a \
         fault's cost is read from the longest wait, not from a run's total time), and their \
         slowest pipeline. The fault is thrown {} after the app starts.\n\
         - **lost**: pipelines of the N that gave no result: failed, or never run because the \
         app stopped first (the app's own `summary:` line says how many were ok; an app that dies \
         prints none, and all N count as lost).\n\
         - **longest wait**: `max_us` of the run's `summary:` line, the slowest of the pipelines \
         that gave a result, timed by the app from the call to the result. Every run sends one \
         pipeline at a time (no `--concurrency`; steps 07 and 08 print `concurrency=1`), so this \
         is the longest the caller waited: the longest stall the fault caused. Beside N, the \
         same figure for the runs without a fault (the largest of the {}). An app that dies \
         prints no summary, and a step whose line has no `max_us` gives none: such a cell says \
         *not measured* instead of a figure.\n\
         - **survived**: the app finished all N with none lost.\n\
         - **crash**: the component's process is killed (`SIGKILL`); in steps 02 to 05 that \
         process is the app. Step 05's hardened app also loads its own `panicking_processor` \
         fixture (panics on its first call and catches its own panic) and `bench/fault_fixtures`' `aborting_processor` (aborts halfway); the command checks that \
         the app died by that abort (`SIGABRT` on Unix) on the call it asked for, and fails \
         otherwise.\n\
         - **hang**: the component's process is stopped (`SIGSTOP`), then continued (`SIGCONT`). \
         A longest wait shorter than the hang is marked: the stop fell in the app's start-up or \
         warm-up, which are not timed.\n\
         - **upgrade**: a new file (a copy of the same release build) is renamed over \
         `service1`'s executable and the old process is asked to stop (`SIGTERM`): step 06's \
         app restarts its child from the new file; in step 07 the service manager does; in step \
         08 a new worker is started before the old one stops.\n\
         - Steps 07 and 08 run their services outside the app (`SERVICE1_URL`/`SERVICE2_URL`, \
         `--workers external`), started by the command and started again when they exit, as a \
         service manager (systemd, `docker compose`'s `restart:`) would.\n\
         - **Load grows**: the scaling table of the bench, run again here: pipelines per second \
         at 1, 2 and 4 workers against one.\n\
         - Steps 02 and 03/04 run through `bench/direct_call` and `bench/dyn_call`, which link \
         the steps' own crates (the post fixes those steps' code).",
        WARMUP_SHOWN,
        seconds(timing.run_for),
        super::REFERENCE_RUNS,
        seconds(timing.fault_at),
        super::REFERENCE_RUNS
    );
    for note in &results.notes {
        let _ = writeln!(out, "\n{note}");
    }
    out
}

const WARMUP_SHOWN: usize = super::WARMUP;

/// `slowest pipeline 1.2 ms`: the largest `max_us` of the runs without a fault, or why there is
/// none.
fn slowest_without_a_fault(maxima: &[Option<Duration>]) -> String {
    let measured: Option<Vec<Duration>> = maxima.iter().copied().collect();
    match measured.and_then(|all| all.into_iter().max()) {
        Some(max) => format!("slowest pipeline {}", wait(max)),
        None => "slowest pipeline not measured (no `max_us`)".to_string(),
    }
}

/// A cell's text, safe inside a Markdown table.
fn cell(cell: &Cell) -> String {
    cell.text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slowest_pipeline_without_a_fault_is_the_largest_or_not_measured() {
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(
            slowest_without_a_fault(&[ms(2), ms(7), ms(3)]),
            "slowest pipeline 7.0 ms"
        );
        assert_eq!(
            slowest_without_a_fault(&[ms(2), None, ms(3)]),
            "slowest pipeline not measured (no `max_us`)"
        );
    }

    #[test]
    fn a_full_run_writes_faults_md_bench_readme_and_the_compact_table() {
        let root = crate::results::tests::scratch_root("faults-write");
        let results = Results {
            mode: Mode::Full,
            timing: super::super::timing(Mode::Full),
            rows: Vec::new(),
            notes: Vec::new(),
        };
        let table = "| Step | N, run without a fault | A component crashes | A component hangs for \
                     3.0 s | A component is upgraded while the app runs | Load grows |\n\
                     |:-:|--:|---|---|---|---|\n\
                     | 06 child processes | 9 | survived: 0 of 9 lost | survived | survived | \
                     nothing to add |\n";
        let written = write(&results, table, &root, &root).unwrap();
        assert_eq!(written.len(), 4, "{written:?}");
        let saved = fs::read_to_string(root.join(crate::results::FAULTS_FILE)).unwrap();
        assert_eq!(saved, table);
        let page = fs::read_to_string(root.join(crate::results::BENCH_README)).unwrap();
        assert!(
            page.contains(&format!("{README_BEGIN}\n{table}{README_END}")),
            "{page}"
        );
        let readme = fs::read_to_string(root.join("README.md")).unwrap();
        assert!(
            readme.contains(
                "| 06 | child processes | not measured | not measured | yes | yes | no |"
            ),
            "{readme}"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_pipe_in_a_cell_does_not_split_the_table() {
        let text = Cell::explained("stderr: a | b");
        assert_eq!(cell(&text), "stderr: a \\| b");
    }
}
