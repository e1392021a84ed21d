//! Good runs with flags: what each one changes in the output.

use std::fs;

use crate::support::{plugin_as, run, scratch_dir};
use crate::{hardened, with};

#[test]
fn the_transformer_can_be_chosen_at_run_time() {
    let run = run(&mut with(&["--transformer", "hex_transformer"]));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("Loaded plugin hex_transformer 0.1.0\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nAnalysis: 84 maps to Value-0x0054\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_input_flag_changes_what_flows_through_the_plugins() {
    let run = run(&mut with(&["--input", "-7"]));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("\nAnalysis: -14 maps to Value--014\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn plugins_load_from_the_plugin_dir_flag_or_the_plugin_dir_variable() {
    // A directory holding copies of the two default plugins and nothing else.
    let dir = scratch_dir("plugins_load_from_the_plugin_dir");
    for name in ["component1", "component2"] {
        plugin_as(&dir, hardened(), name, name);
    }
    let shown = std::path::absolute(&dir).expect("an absolute path");
    let shown = shown.display();

    let dir_text = dir.to_str().expect("the scratch path is UTF-8");
    let with_flag = run(&mut with(&["--plugin-dir", dir_text]));
    assert!(with_flag.status.success(), "{}", with_flag.stderr);
    let line = format!("Plugin directory: {shown} (from --plugin-dir)\n");
    assert!(with_flag.stdout.contains(&line), "{}", with_flag.stdout);

    let with_variable = run(with(&[]).env("PLUGIN_DIR", &dir));
    assert!(with_variable.status.success(), "{}", with_variable.stderr);
    let line = format!("Plugin directory: {shown} (from PLUGIN_DIR)\n");
    assert!(
        with_variable.stdout.contains(&line),
        "{}",
        with_variable.stdout
    );

    // Both given: the flag wins. The variable points at an empty directory.
    let empty = scratch_dir("plugins_load_from_the_plugin_dir_empty");
    let both = run(with(&["--plugin-dir", dir_text]).env("PLUGIN_DIR", &empty));
    assert!(both.status.success(), "{}", both.stderr);
    assert!(
        both.stdout.contains("(from --plugin-dir)\n"),
        "{}",
        both.stdout
    );
    fs::remove_dir_all(&empty).expect("the scratch directory can be removed");
}

#[test]
fn an_empty_plugin_dir_variable_means_the_apps_own_directory() {
    let run = run(with(&[]).env("PLUGIN_DIR", ""));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("(the app's own directory)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn repeat_runs_quietly_and_ends_with_the_summary_line() {
    let run = run(&mut with(&["--repeat", "200"]));
    assert!(run.status.success(), "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "only the summary:\n{}",
        run.stdout
    );

    let line = run.stdout.trim_end();
    let fields: Vec<(&str, &str)> = line
        .strip_prefix("summary: ")
        .unwrap_or_else(|| panic!("not the summary: {line}"))
        .split(' ')
        .map(|field| field.split_once('=').expect("every field is key=value"))
        .collect();
    let keys: Vec<&str> = fields.iter().map(|(key, _)| *key).collect();
    let expected = [
        "requests",
        "ok",
        "failed",
        "elapsed_ms",
        "p50_us",
        "p99_us",
        "max_us",
    ];
    assert_eq!(keys, expected);
    assert_eq!(
        &fields[..3],
        [("requests", "200"), ("ok", "200"), ("failed", "0")]
    );
    let number = |at: usize| -> f64 { fields[at].1.parse().expect("a number") };
    assert!(number(3) > 0.0, "elapsed_ms must be positive: {line}");
    assert!(number(4) <= number(5), "p50 above p99: {line}");
    assert!(number(5) <= number(6), "p99 above the slowest: {line}");
}

#[test]
fn warmup_pipelines_are_not_counted_in_the_summary() {
    let run = run(&mut with(&["--repeat", "30", "--warmup", "20"]));
    assert!(run.status.success(), "{}", run.stderr);
    let line = run.stdout.trim_end();
    assert!(
        line.starts_with("summary: requests=30 ok=30 failed=0 "),
        "{line}"
    );
}
