//! Every way a plugin file can be wrong, each with real files: the app must end with exit status 1
//! and one `error:` line that names the file or the plugin and the cause. (An input that overflows
//! is tested with the hardened app, which takes `--input`.)

use std::fs;
use std::path::PathBuf;

use crate::app;
use crate::support::{
    Run, assert_one_error_line, binary_in, command, plugin_as, plugin_file, run, scratch_dir,
};

/// The app, copied into a folder of its own with the plugin files `processor` and `transformer`
/// under component1's and component2's names, and run there. The folder names the files.
fn run_with_plugins(test: &str, processor: &str, transformer: &str) -> (PathBuf, Run) {
    let dir = scratch_dir(test);
    let app_there = binary_in(&dir, app());
    plugin_as(&dir, app(), processor, "component1");
    plugin_as(&dir, app(), transformer, "component2");
    (dir, run(&mut command(&app_there)))
}

#[test]
fn a_missing_plugin_file_is_named_with_the_command_that_builds_it() {
    // The app alone in a directory: what a reader meets after `cargo build -p app`.
    let dir = scratch_dir("a_missing_plugin_file");
    let app_there = binary_in(&dir, app());
    let missing = dir.join(plugin_file("component1"));
    let run = run(&mut command(&app_there));
    assert_one_error_line(
        &run,
        &[
            &format!("{} cannot be loaded", missing.display()),
            "try `cargo build -p component1`",
        ],
    );
}

#[test]
fn a_file_that_is_not_a_library_is_refused() {
    let dir = scratch_dir("a_file_that_is_not_a_library");
    let app_there = binary_in(&dir, app());
    let garbage = dir.join(plugin_file("component1"));
    fs::write(&garbage, "this is text, not machine code\n").expect("write the fake plugin");
    let run = run(&mut command(&app_there));
    let cannot_load = format!("{} cannot be loaded", garbage.display());
    assert_one_error_line(&run, &[&cannot_load]);
}

#[test]
fn a_library_without_the_plugin_functions_is_never_called() {
    let (dir, run) = run_with_plugins(
        "a_library_without_the_plugin_functions",
        "component1",
        "plain_library",
    );
    let file = dir.join(plugin_file("component2"));
    let not_a_plugin = format!("{} is not a plugin", file.display());
    assert_one_error_line(&run, &[&not_a_plugin, "it exports no plugin_abi_version"]);
}

#[test]
fn a_library_that_passes_the_version_check_without_a_declaration_is_refused() {
    let (dir, run) = run_with_plugins(
        "a_library_without_a_declaration",
        "version_only_library",
        "component2",
    );
    let file = dir.join(plugin_file("component1"));
    let not_a_plugin = format!("{} is not a plugin", file.display());
    assert_one_error_line(&run, &[&not_a_plugin, "it exports no plugin_declaration"]);
}

#[test]
fn a_plugin_of_the_other_kind_is_refused() {
    // A real plugin, but a processor, where the transformer should be: the first call it
    // cannot answer stops the pipeline, and the error names the plugin by its own name.
    let (_, run) = run_with_plugins("a_plugin_of_the_other_kind", "component1", "component1");
    assert_one_error_line(&run, &["cannot call component1: it is not a transformer"]);
    assert!(!run.stdout.contains("Component2 result"), "{}", run.stdout);
}

#[test]
fn a_plugin_of_another_abi_version_is_refused_with_both_versions() {
    let (dir, run) = run_with_plugins(
        "a_plugin_of_another_abi_version",
        "future_abi_plugin",
        "component2",
    );
    let abi = plugin_interface::ABI_VERSION;
    let file = dir.join(plugin_file("component1"));
    assert_one_error_line(
        &run,
        &[
            &format!("{} speaks plugin ABI version {}", file.display(), abi + 1),
            &format!("this app speaks version {abi}"),
        ],
    );
}

#[test]
fn the_app_runs_whatever_plugin_file_sits_in_its_place_without_a_rebuild() {
    // The same app binary, another transformer file under component2's name.
    let (_, run) = run_with_plugins(
        "whatever_plugin_file_sits_in_its_place",
        "component1",
        "hex_transformer",
    );
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
