//! Good runs with flags: what each one changes in the output.

use std::fs;

use crate::support::{app, app_dir, as_the_app_shows_it, plugin_file, run, run_app, scratch_dir};

#[test]
fn the_input_flag_changes_what_flows_through_the_plugins() {
    let run = run_app(&["--input", "7"]);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(run.stdout.contains("Input value: 7\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\nAnalysis: 14 maps to Value-0014\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_transformer_can_be_swapped_without_rebuilding_the_app() {
    let run = run_app(&["--transformer", "hex_transformer"]);
    assert!(run.status.success(), "{}", run.stderr);
    let loaded = format!(
        "Loaded {}: hex_transformer 0.1.0, as the transformer\n",
        plugin_file("hex_transformer")
    );
    assert!(run.stdout.contains(&loaded), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("        [Hex Transformer Lib] Transforming value: 84\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\nAnalysis: 84 maps to Value-0x0054 (hexadecimal)\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("[Component2 Lib]"), "{}", run.stdout);
}

#[test]
fn repeat_runs_quietly_and_ends_with_the_summary_line() {
    let run = run_app(&["--repeat", "200"]);
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        !run.stdout.contains("[Component"),
        "--repeat must not print the plugins' chatter:\n{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("summary:").count(), 1, "{}", run.stdout);

    let last_line = run
        .stdout
        .lines()
        .last()
        .expect("the app printed something");
    let fields: Vec<(&str, &str)> = last_line
        .strip_prefix("summary: ")
        .unwrap_or_else(|| panic!("the last line is not the summary: {last_line}"))
        .split(' ')
        .map(|field| field.split_once('=').expect("every field is key=value"))
        .collect();
    let keys: Vec<&str> = fields.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        keys,
        [
            "requests",
            "ok",
            "failed",
            "elapsed_ms",
            "p50_us",
            "p99_us",
            "max_us"
        ]
    );
    assert_eq!(
        &fields[..3],
        [("requests", "200"), ("ok", "200"), ("failed", "0")]
    );
    let number = |at: usize| -> f64 { fields[at].1.parse().expect("a number") };
    assert!(number(3) > 0.0, "elapsed_ms must be positive: {last_line}");
    assert!(number(4) <= number(5), "p50 above p99: {last_line}");
    assert!(number(5) <= number(6), "p99 above the slowest: {last_line}");
}

#[test]
fn warmup_pipelines_are_not_counted_in_the_summary() {
    let run = run_app(&["--repeat", "30", "--warmup", "20"]);
    assert!(run.status.success(), "{}", run.stderr);
    let last_line = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last_line.starts_with("summary: requests=30 ok=30 failed=0 "),
        "{last_line}"
    );
}

#[test]
fn plugins_load_from_the_plugin_dir_flag_or_the_plugin_dir_variable() {
    // A directory holding copies of the two default plugins and nothing else.
    let dir = scratch_dir("plugins_load_from_the_plugin_dir");
    for name in ["component1", "component2"] {
        fs::copy(
            app_dir().join(plugin_file(name)),
            dir.join(plugin_file(name)),
        )
        .expect("the built plugin can be copied");
    }
    let dir_text = dir.to_str().expect("the scratch path is UTF-8");
    let shown = as_the_app_shows_it(&dir);
    let shown = shown.display();

    let with_flag = run_app(&["--plugin-dir", dir_text]);
    assert!(with_flag.status.success(), "{}", with_flag.stderr);
    assert!(
        with_flag
            .stdout
            .contains(&format!("Plugin directory: {shown} (from --plugin-dir)\n")),
        "{}",
        with_flag.stdout
    );
    assert!(
        with_flag
            .stdout
            .contains("\nAnalysis: 84 maps to Value-0084\n")
    );

    let with_variable = run(app().env("PLUGIN_DIR", &dir));
    assert!(with_variable.status.success(), "{}", with_variable.stderr);
    assert!(
        with_variable
            .stdout
            .contains(&format!("Plugin directory: {shown} (from PLUGIN_DIR)\n")),
        "{}",
        with_variable.stdout
    );
}

#[test]
fn plugins_are_unloaded_in_reverse_order_after_the_pipeline() {
    let run = run_app(&[]);
    assert!(run.status.success(), "{}", run.stderr);
    let position = |text: &str| {
        run.stdout
            .find(text)
            .unwrap_or_else(|| panic!("`{text}` missing from:\n{}", run.stdout))
    };
    let analysis = position("Analysis: 84 maps to Value-0084");
    let transformer_gone = position(&format!("Unloaded {}", plugin_file("component2")));
    let processor_gone = position(&format!("Unloaded {}", plugin_file("component1")));
    let complete = position("Execution complete");
    assert!(analysis < transformer_gone && transformer_gone < processor_gone);
    assert!(processor_gone < complete);
}

#[test]
fn an_empty_plugin_dir_variable_means_the_apps_own_directory() {
    let run = run(app().env("PLUGIN_DIR", ""));
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("(the app's own directory)\n"),
        "{}",
        run.stdout
    );
}
