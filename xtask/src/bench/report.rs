//! The bench's results as a reader sees them: Markdown tables, an SVG bar chart on a log scale,
//! and the block of `bench/README.md` between its two bench markers.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{BoundaryResult, Mode, Outcome, Results};

/// `bench/README.md`'s results block lies between these two lines; the bench rewrites what is
/// between.
pub const README_BEGIN: &str = "<!-- bench results: begin (written by `cargo xtask bench`) -->";
pub const README_END: &str = "<!-- bench results: end -->";

const MARKDOWN_FILE: &str = "boundaries.md";
const SVG_FILE: &str = "boundaries.svg";

/// Writes the Markdown and the SVG into `dir` and, for a full run, the block of `bench/README.md`,
/// then the short forms made from it (see [`crate::results`]). Returns the files written.
pub fn write(results: &Results, dir: &Path, root: &Path) -> Result<Vec<PathBuf>, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let markdown_path = dir.join(MARKDOWN_FILE);
    let svg_path = dir.join(SVG_FILE);
    let save = |path: &Path, text: &str| {
        fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    save(&markdown_path, &markdown_with_chart(results, SVG_FILE))?;
    save(&svg_path, &svg(results))?;
    let mut written = vec![markdown_path, svg_path];
    if results.mode == Mode::Full {
        let page = root.join(crate::results::BENCH_README);
        let block = markdown_with_chart(results, CHART_FROM_BENCH_README);
        crate::results::replace_in_file(&page, (README_BEGIN, README_END), &block)?;
        written.push(page);
        written.extend(crate::results::write(root)?);
    }
    Ok(written)
}

/// The chart as `bench/README.md` links it.
pub const CHART_FROM_BENCH_README: &str = "results/boundaries.svg";

/// `readme` with the text between the lines `markers.0` and `markers.1` replaced by `block`;
/// `None` without both markers. The fault table (`cargo xtask faults`) uses it too.
pub(crate) fn replace_block(readme: &str, markers: (&str, &str), block: &str) -> Option<String> {
    let begin = readme.find(markers.0)? + markers.0.len();
    let end = begin + readme[begin..].find(markers.1)?;
    Some(format!(
        "{}\n{}\n{}",
        &readme[..begin],
        block.trim_end(),
        &readme[end..]
    ))
}

/// The report, with the chart shown from `chart_path`.
fn markdown_with_chart(results: &Results, chart_path: &str) -> String {
    let mut text = markdown(results);
    let _ = writeln!(
        text,
        "\n![p50 and p99 latency of one pipeline through each boundary and its floor, log scale]({chart_path})"
    );
    text
}

/// The boundary table, the scaling table, and how they were measured.
pub fn markdown(results: &Results) -> String {
    let mut out = String::new();
    let build = match results.mode {
        Mode::Full => "release builds",
        Mode::Smoke => "debug builds, smoke run: a few pipelines per row, not a measurement",
    };
    let _ = writeln!(
        out,
        "Measured on {} (UTC) with `cargo xtask bench`: {}; {build}.\n",
        results.date,
        results.machine.summary()
    );

    let direct = results
        .boundaries
        .first()
        .and_then(|row| measured(&row.step))
        .map(|s| s.p50);
    out.push_str("| Boundary | Step | p50 | p99 | Pipelines/s | × direct call | × its floor |\n");
    out.push_str("|---|:-:|--:|--:|--:|--:|--:|\n");
    let mut notes = Vec::new();
    for row in &results.boundaries {
        // The first floor is the transport the step runs on; the others are set beside it.
        let floor_p50 = row.floors.first().and_then(measured).map(|s| s.p50);
        let over_floor = match (measured(&row.step), floor_p50) {
            (Some(step), Some(floor)) => ratio(step.p50, floor),
            _ => String::new(),
        };
        let name = row.boundary.name;
        out.push_str(&table_row(
            name,
            row.boundary.step,
            &row.step,
            direct,
            &over_floor,
            &mut notes,
        ));
        for (floor, outcome) in row.boundary.floors.iter().zip(&row.floors) {
            let label = format!("↳ floor: {}", floor.name);
            out.push_str(&table_row(&label, "", outcome, direct, "", &mut notes));
        }
    }
    out.push('\n');
    out.push_str(&pipeline_counts(&results.boundaries, results.mode.rounds()));
    for row in &results.boundaries {
        if let Some(sentence) = floors_compared(row) {
            let _ = writeln!(out, "\n{sentence}");
        }
    }
    for note in notes {
        let _ = writeln!(out, "\n{note}");
    }

    if !results.scaling.is_empty() {
        let (work_ms, batch) = results.mode.scaling_batch();
        let _ = writeln!(
            out,
            "\n**Scaling**: a batch of {batch} pipelines with `WORK_MS={work_ms}` of simulated work \
             per message in service1.\n"
        );
        out.push_str("| Step | Workers | Elapsed | Pipelines/s | Speed-up |\n");
        out.push_str("|:-:|--:|--:|--:|--:|\n");
        for row in &results.scaling {
            let single = results
                .scaling
                .iter()
                .find(|other| other.scaling.step == row.scaling.step && other.workers == 1)
                .and_then(|other| measured(&other.outcome));
            let cells = match &row.outcome {
                Outcome::Measured(summary) => {
                    let speed_up = match single {
                        Some(one) if one.throughput() > 0.0 => {
                            format!("{:.1}×", summary.throughput() / one.throughput())
                        }
                        _ => String::new(),
                    };
                    format!(
                        "{} | {} | {}",
                        seconds(summary.elapsed),
                        count(summary.throughput()),
                        speed_up
                    )
                }
                other => format!("{} | | ", short_status(other)),
            };
            let _ = writeln!(out, "| {} | {} | {cells} |", row.scaling.step, row.workers);
        }
        let mut seen = Vec::new();
        for row in &results.scaling {
            if !seen.contains(&row.scaling.step) {
                seen.push(row.scaling.step);
                let _ = write!(
                    out,
                    "\nStep {}'s workers are {}.",
                    row.scaling.step, row.scaling.workers_are
                );
            }
        }
        out.push('\n');
        for row in &results.scaling {
            if let Outcome::Skipped(why) | Outcome::Failed(why) = &row.outcome {
                let _ = writeln!(
                    out,
                    "\nStep {} with {} workers: {why}",
                    row.scaling.step, row.workers
                );
            }
        }
    }
    out
}

/// One Markdown row; a row that did not measure shows its status and adds a note with the reason.
fn table_row(
    name: &str,
    step: &str,
    outcome: &Outcome,
    direct: Option<Duration>,
    over_floor: &str,
    notes: &mut Vec<String>,
) -> String {
    match outcome {
        Outcome::Measured(summary) => {
            let times_direct = direct.map(|d| ratio(summary.p50, d)).unwrap_or_default();
            format!(
                "| {name} | {step} | {} | {} | {} | {times_direct} | {over_floor} |\n",
                latency(summary.p50),
                latency(summary.p99),
                count(summary.throughput()),
            )
        }
        Outcome::Skipped(why) | Outcome::Failed(why) => {
            notes.push(format!("{}: {why}", name.trim_start_matches("↳ ")));
            format!("| {name} | {step} | {} | | | | |\n", short_status(outcome))
        }
    }
}

fn short_status(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Measured(_) => "",
        Outcome::Skipped(_) => "skipped",
        Outcome::Failed(_) => "FAILED",
    }
}

/// For a step with several floors, what each measured: "Step 08's floors differ in one thing
/// only: with replies through direct reply-to, as in step 08, a pipeline took P at p50; with
/// replies through a private reply queue, Q (Q - P more)." `None` with one floor, or when one of
/// them was not measured (the notes say why).
fn floors_compared(row: &BoundaryResult) -> Option<String> {
    let [first, others @ ..] = row.boundary.floors else {
        return None;
    };
    if others.is_empty() {
        return None;
    }
    let base = measured(row.floors.first()?)?.p50;
    let step = row.boundary.step;
    let mut text = format!(
        "Step {step}'s floors differ in one thing only: with {}, as in step {step}, a pipeline \
         took {} at p50",
        first.variant?,
        latency(base)
    );
    for (floor, outcome) in others.iter().zip(&row.floors[1..]) {
        let p50 = measured(outcome)?.p50;
        let against = if latency(p50) == latency(base) {
            "the same".to_string()
        } else if p50 > base {
            format!("{} more", latency(p50 - base))
        } else {
            format!("{} less", latency(base - p50))
        };
        let _ = write!(
            text,
            "; with {}, {} ({against})",
            floor.variant?,
            latency(p50)
        );
    }
    text.push('.');
    Some(text)
}

/// "Pipelines per row: ..." from the counts the rows used.
fn pipeline_counts(rows: &[BoundaryResult], rounds: usize) -> String {
    let mut groups: Vec<(usize, usize, Vec<&str>)> = Vec::new();
    for row in rows {
        match groups
            .iter_mut()
            .find(|(repeat, warmup, _)| (*repeat, *warmup) == (row.repeat, row.warmup))
        {
            Some((_, _, steps)) => steps.push(row.boundary.step),
            None => groups.push((row.repeat, row.warmup, vec![row.boundary.step])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(repeat, warmup, steps)| {
            format!(
                "{} for step {} (after {} unmeasured)",
                count(*repeat as f64),
                steps.join(", "),
                count(*warmup as f64)
            )
        })
        .collect();
    format!(
        "Pipelines measured per row, floors alike: {}. Each row is the median of {} rounds, step \
         and floor taking turns.\n",
        parts.join("; "),
        rounds
    )
}

fn measured(outcome: &Outcome) -> Option<&measure::Summary> {
    match outcome {
        Outcome::Measured(summary) => Some(summary),
        _ => None,
    }
}

/// A latency with three significant digits, in the unit that reads best.
pub fn latency(duration: Duration) -> String {
    let micros = duration.as_secs_f64() * 1e6;
    if micros < 1.0 {
        format!("{micros:.3} µs")
    } else if micros < 10.0 {
        format!("{micros:.2} µs")
    } else if micros < 100.0 {
        format!("{micros:.1} µs")
    } else if micros < 1_000.0 {
        format!("{micros:.0} µs")
    } else if micros < 10_000.0 {
        format!("{:.2} ms", micros / 1e3)
    } else {
        format!("{:.1} ms", micros / 1e3)
    }
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

/// A whole count with thousands separated by commas: `306,214`.
pub fn count(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `part / whole` as `125×`, `3.0×` or `0.21×`.
fn ratio(part: Duration, whole: Duration) -> String {
    if whole.is_zero() {
        return String::new();
    }
    let value = part.as_secs_f64() / whole.as_secs_f64();
    if value < 1.0 {
        format!("{value:.2}×")
    } else if value < 10.0 {
        format!("{value:.1}×")
    } else {
        format!("{value:.0}×")
    }
}

/// Text safe inside SVG: the characters XML reserves are escaped, Markdown's backticks dropped.
fn xml_text(text: &str) -> String {
    text.replace('`', "")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A horizontal bar chart of the p50 latency of every row (bars) with its p99 (whiskers), on a
/// log scale: the rows span six orders of magnitude, which a linear axis would flatten.
pub fn svg(results: &Results) -> String {
    struct Bar {
        label: String,
        floor: bool,
        summary: Option<measure::Summary>,
    }
    let mut bars = Vec::new();
    for row in &results.boundaries {
        bars.push(Bar {
            label: format!("{} (step {})", row.boundary.name, row.boundary.step),
            floor: false,
            summary: measured(&row.step).cloned(),
        });
        for (floor, outcome) in row.boundary.floors.iter().zip(&row.floors) {
            bars.push(Bar {
                label: format!("floor: {}", floor.name),
                floor: true,
                summary: measured(outcome).cloned(),
            });
        }
    }

    let micros = |d: Duration| (d.as_secs_f64() * 1e6).max(1e-3);
    let values: Vec<f64> = bars
        .iter()
        .filter_map(|bar| bar.summary.as_ref())
        .flat_map(|s| [micros(s.p50), micros(s.p99)])
        .collect();
    let low = values
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .log10()
        .floor();
    let high = values
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .log10()
        .ceil();
    let (low, high) = if values.is_empty() {
        (-1.0, 4.0)
    } else {
        (low, high.max(low + 1.0))
    };

    const WIDTH: f64 = 960.0;
    const PLOT_LEFT: f64 = 400.0;
    const PLOT_RIGHT: f64 = 880.0;
    const TOP: f64 = 70.0;
    const ROW: f64 = 26.0;
    let height = TOP + ROW * bars.len() as f64 + 60.0;
    let x = |us: f64| PLOT_LEFT + (us.log10() - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="16" y="24" font-size="15" font-weight="bold">One pipeline through each boundary: p50 (bar) and p99 (whisker), log scale</text>"#
    );
    let _ = writeln!(
        out,
        r##"<text x="16" y="44" fill="#555555">{} · {}</text>"##,
        xml_text(&results.date),
        xml_text(&results.machine.summary())
    );

    let axis_y = TOP + ROW * bars.len() as f64 + 6.0;
    let mut decade = low;
    while decade <= high {
        let us = 10f64.powf(decade);
        let gx = x(us);
        let _ = writeln!(
            out,
            r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{axis_y:.1}" stroke="#dddddd"/>"##
        );
        let _ = writeln!(
            out,
            r##"<text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555555">{}</text>"##,
            axis_y + 16.0,
            xml_text(&decade_label(decade))
        );
        decade += 1.0;
    }
    let _ = writeln!(
        out,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#555555">latency of one pipeline</text>"##,
        (PLOT_LEFT + PLOT_RIGHT) / 2.0,
        axis_y + 36.0
    );

    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let (fill, weight) = if bar.floor {
            ("#9fb8d3", "normal")
        } else {
            ("#2f5d8a", "bold")
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-weight="{weight}">{}</text>"#,
            PLOT_LEFT - 8.0,
            y + 16.0,
            xml_text(&bar.label)
        );
        match &bar.summary {
            Some(summary) => {
                let (p50, p99) = (x(micros(summary.p50)), x(micros(summary.p99)));
                let _ = writeln!(
                    out,
                    r#"<rect x="{PLOT_LEFT}" y="{:.1}" width="{:.1}" height="16" fill="{fill}"/>"#,
                    y + 4.0,
                    (p50 - PLOT_LEFT).max(1.0)
                );
                let mid = y + 12.0;
                let _ = writeln!(
                    out,
                    r##"<line x1="{p50:.1}" y1="{mid:.1}" x2="{p99:.1}" y2="{mid:.1}" stroke="#333333"/><line x1="{p99:.1}" y1="{:.1}" x2="{p99:.1}" y2="{:.1}" stroke="#333333"/>"##,
                    mid - 5.0,
                    mid + 5.0
                );
                let _ = writeln!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
                    p99 + 6.0,
                    y + 16.0,
                    xml_text(&latency(summary.p50))
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    r##"<text x="{PLOT_LEFT}" y="{:.1}" fill="#aa3333">not measured (see the table)</text>"##,
                    y + 16.0
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

/// `10^decade` microseconds as an axis label: `100 ns`, `1 µs`, `10 ms`, `1 s`.
fn decade_label(decade: f64) -> String {
    match decade as i32 {
        -3 => "1 ns".into(),
        -2 => "10 ns".into(),
        -1 => "100 ns".into(),
        0 => "1 µs".into(),
        1 => "10 µs".into(),
        2 => "100 µs".into(),
        3 => "1 ms".into(),
        4 => "10 ms".into(),
        5 => "100 ms".into(),
        6 => "1 s".into(),
        other => format!("1e{other} µs"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{BOUNDARIES, BoundaryResult, SCALING, ScalingResult, WORKER_COUNTS};
    use super::*;
    use crate::bench::machine::Machine;
    use measure::Summary;

    fn summary(p50_us: u64, p99_us: u64, requests: usize, elapsed_ms: u64) -> Summary {
        let mut summary = Summary::of_latencies(Vec::new(), Duration::from_millis(elapsed_ms));
        summary.requests = requests;
        summary.ok = requests;
        summary.p50 = Duration::from_micros(p50_us);
        summary.p99 = Duration::from_micros(p99_us);
        summary
    }

    /// Results as a full run would produce them, with the broker rows skipped.
    fn results() -> Results {
        let boundaries = BOUNDARIES
            .iter()
            .enumerate()
            .map(|(i, boundary)| {
                let p50 = 10u64.pow(i as u32);
                let step = if boundary.needs_broker {
                    Outcome::Skipped("RabbitMQ is not reachable".into())
                } else {
                    Outcome::Measured(summary(p50, 2 * p50, 1000, 1000))
                };
                BoundaryResult {
                    boundary,
                    repeat: 1000,
                    warmup: 10,
                    step,
                    floors: boundary
                        .floors
                        .iter()
                        .map(|_| Outcome::Measured(summary(p50 / 4, p50 / 2, 1000, 500)))
                        .collect(),
                }
            })
            .collect();
        let scaling = WORKER_COUNTS
            .into_iter()
            .map(|workers| ScalingResult {
                scaling: &SCALING[0],
                workers,
                outcome: Outcome::Measured(summary(20_000, 21_000, 200, 4000 / workers as u64)),
            })
            .collect();
        Results {
            mode: Mode::Full,
            machine: Machine {
                os: "Linux".into(),
                arch: "x86_64",
                cpu: Some("Test CPU <fast> & cheap".into()),
                logical_cpus: Some(2),
                rustc: None,
            },
            date: "2026-11-24".into(),
            boundaries,
            scaling,
        }
    }

    #[test]
    fn latencies_keep_three_significant_digits_in_the_unit_that_reads_best() {
        assert_eq!(latency(Duration::from_nanos(411)), "0.411 µs");
        assert_eq!(latency(Duration::from_nanos(1_923)), "1.92 µs");
        assert_eq!(latency(Duration::from_nanos(24_060)), "24.1 µs");
        assert_eq!(latency(Duration::from_micros(240)), "240 µs");
        assert_eq!(latency(Duration::from_micros(1_738)), "1.74 ms");
        assert_eq!(latency(Duration::from_micros(20_460)), "20.5 ms");
    }

    #[test]
    fn counts_group_thousands_and_ratios_scale_their_decimals() {
        assert_eq!(count(306_214.4), "306,214");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1_000.0), "1,000");
        assert_eq!(count(0.0), "0");
        let us = Duration::from_micros;
        assert_eq!(ratio(us(240), us(2)), "120×");
        assert_eq!(ratio(us(300), us(100)), "3.0×");
        assert_eq!(ratio(us(1), us(4)), "0.25×");
        assert_eq!(ratio(us(1), Duration::ZERO), "");
    }

    #[test]
    fn the_boundary_table_shows_ratios_to_the_direct_call_and_to_the_floor() {
        let text = markdown(&results());
        // Row 06 (index 3): p50 1000 µs, floor 250 µs, direct call 1 µs.
        assert!(
            text.contains(
                "| child processes, JSON lines over pipes | 06 | 1.00 ms | 2.00 ms | 1,000 | 1000× | 4.0× |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| ↳ floor: echo children over pipes |  | 250 µs | 500 µs | 2,000 | 250× |  |"
            ),
            "{text}"
        );
        assert!(text.contains("| direct call | 02 | 1.00 µs | 2.00 µs | 1,000 | 1.0× |  |"));
    }

    #[test]
    fn skipped_rows_say_so_and_the_reason_follows_the_table() {
        let text = markdown(&results());
        assert!(
            text.contains("| RabbitMQ RPC | 08 | skipped | | | | |"),
            "{text}"
        );
        assert!(
            text.contains("\nRabbitMQ RPC: RabbitMQ is not reachable\n"),
            "{text}"
        );
    }

    #[test]
    fn the_report_names_the_machine_the_date_and_the_counts() {
        let text = markdown(&results());
        assert!(text.starts_with("Measured on 2026-11-24 (UTC) with `cargo xtask bench`: Linux x86_64, Test CPU <fast> & cheap, 2 logical CPUs; release builds."), "{text}");
        assert!(text.contains("Pipelines measured per row, floors alike: 1,000 for step 02, 03/04, 05, 06, 07, 08 (after 10 unmeasured). Each row is the median of 3 rounds"), "{text}");
    }

    #[test]
    fn the_scaling_table_gives_each_worker_count_its_speed_up() {
        let text = markdown(&results());
        assert!(text.contains("| 07 | 1 | 4.00 s | 50 | 1.0× |"), "{text}");
        assert!(text.contains("| 07 | 4 | 1.00 s | 200 | 4.0× |"), "{text}");
        assert!(
            text.contains("Step 07's workers are requests in flight"),
            "{text}"
        );
    }

    #[test]
    fn the_chart_has_a_bar_per_measured_row_and_escapes_its_text() {
        let chart = svg(&results());
        assert!(chart.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(chart.trim_end().ends_with("</svg>"));
        // 5 measured steps + 4 floors (step 08 has two); the skipped step 08 has no bar.
        assert_eq!(chart.matches("<rect x=").count(), 9, "{chart}");
        assert!(chart.contains(">floor: AMQP echo workers, private reply queue</text>"));
        assert!(chart.contains("not measured (see the table)"));
        assert!(chart.contains("Test CPU &lt;fast&gt; &amp; cheap"));
        assert!(chart.contains("&amp;dyn call (step 03/04)"));
        // The axis runs from the decade of the smallest p50 (row 02, 1 µs) to the decade above
        // the largest p99 (row 07, 20 ms).
        assert!(chart.contains(">1 µs</text>") && chart.contains(">100 ms</text>"));
    }

    #[test]
    fn a_full_run_writes_bench_readme_and_the_root_readmes_compact_table() {
        let root = crate::results::tests::scratch_root("bench-write");
        let dir = root.join("bench/results");
        let written = write(&results(), &dir, &root).unwrap();
        assert_eq!(written.len(), 5, "{written:?}");
        let page = std::fs::read_to_string(root.join(crate::results::BENCH_README)).unwrap();
        assert!(
            page.contains("](results/boundaries.svg)\n<!-- bench results: end -->"),
            "{page}"
        );
        assert!(page.contains("Nothing yet: `cargo xtask faults`"), "{page}");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        assert!(
            readme.contains("| 06 | child processes, JSON lines over pipes | 1.00 ms | 1000× |"),
            "{readme}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// [`results`] with step 08 measured: 1.00 ms, on floors of 500 µs with direct reply-to and
    /// 600 µs with a private reply queue.
    fn results_with_step_08() -> Results {
        let mut results = results();
        let row = results
            .boundaries
            .iter_mut()
            .find(|row| row.boundary.step == "08")
            .unwrap();
        row.step = Outcome::Measured(summary(1_000, 1_500, 1000, 1000));
        row.floors = vec![
            Outcome::Measured(summary(500, 750, 1000, 500)),
            Outcome::Measured(summary(600, 900, 1000, 600)),
        ];
        results
    }

    #[test]
    fn step_08_has_a_floor_row_per_reply_path_and_its_ratio_is_to_direct_reply_to() {
        let text = markdown(&results_with_step_08());
        assert!(
            text.contains(
                "| RabbitMQ RPC | 08 | 1.00 ms | 1.50 ms | 1,000 | 1000× | 2.0× |\n\
                 | ↳ floor: AMQP echo workers, direct reply-to |  | 500 µs | 750 µs | 2,000 | 500× |  |\n\
                 | ↳ floor: AMQP echo workers, private reply queue |  | 600 µs | 900 µs | 1,667 | 600× |  |\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_sentence_under_the_table_says_what_the_two_reply_paths_measured() {
        let text = markdown(&results_with_step_08());
        assert!(
            text.contains(
                "\nStep 08's floors differ in one thing only: with replies through direct \
                 reply-to, as in step 08, a pipeline took 500 µs at p50; with replies through a \
                 private reply queue, 600 µs (100 µs more).\n"
            ),
            "{text}"
        );
        // Steps with one floor get no such sentence.
        assert_eq!(text.matches("floors differ").count(), 1, "{text}");
    }

    #[test]
    fn without_both_reply_paths_measured_there_is_no_sentence_to_write() {
        let mut results = results_with_step_08();
        let row = results.boundaries.last_mut().unwrap();
        row.floors[1] = Outcome::Failed("exit 1".into());
        let text = markdown(&results);
        assert!(!text.contains("floors differ"), "{text}");
        assert!(
            text.contains("\nfloor: AMQP echo workers, private reply queue: exit 1\n"),
            "{text}"
        );
    }

    #[test]
    fn the_root_readme_shows_step_08s_own_p50_not_a_floors() {
        let root = crate::results::tests::scratch_root("bench-write-08");
        write(&results_with_step_08(), &root.join("bench/results"), &root).unwrap();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        assert!(
            readme.contains("| 08 | RabbitMQ RPC | 1.00 ms | 1000× |"),
            "{readme}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_readme_block_is_replaced_between_its_markers_only() {
        let readme =
            format!("# Title\n\nbefore\n{README_BEGIN}\nold\nresults\n{README_END}\nafter\n");
        let updated = replace_block(&readme, (README_BEGIN, README_END), "new results\n").unwrap();
        assert_eq!(
            updated,
            format!("# Title\n\nbefore\n{README_BEGIN}\nnew results\n{README_END}\nafter\n")
        );
        assert_eq!(
            replace_block(&updated, (README_BEGIN, README_END), "new results\n").unwrap(),
            updated
        );
        assert_eq!(
            replace_block("# no markers\n", (README_BEGIN, README_END), "x"),
            None
        );
    }
}
