//! Every way a plugin can be wrong, and an input that overflows. Each case must end with exit
//! status 1 and one `error:` line on stderr that names the file or the value and the cause: never
//! a panic message, an abort or a crash.

use std::fs;

use plugin_interface::ABI_VERSION;

use crate::support::{
    as_the_app_shows_it, assert_one_error_line, plugin_file, run_app, scratch_dir,
};

#[test]
fn a_missing_plugin_file_is_named_with_the_command_that_builds_it() {
    // What a reader meets after `cargo run` inside `app/`, which builds the app but no plugin.
    let empty = scratch_dir("a_missing_plugin_file");
    let run = run_app(&["--plugin-dir", empty.to_str().expect("UTF-8 path")]);
    let expected_path = as_the_app_shows_it(&empty).join(plugin_file("component1"));
    assert_one_error_line(
        &run,
        &[
            "plugin file not found",
            &expected_path.display().to_string(),
            "cargo build -p component1",
        ],
    );
}

#[test]
fn a_file_that_is_not_a_shared_library_is_refused() {
    let dir = scratch_dir("a_file_that_is_not_a_shared_library");
    let garbage = as_the_app_shows_it(&dir).join(plugin_file("garbage"));
    fs::write(&garbage, "this is text, not machine code\n").expect("write the fake plugin");
    let run = run_app(&[
        "--plugin-dir",
        dir.to_str().expect("UTF-8 path"),
        "--processor",
        "garbage",
    ]);
    assert_one_error_line(
        &run,
        &[
            "cannot load",
            &garbage.display().to_string(),
            "as a shared library",
        ],
    );
}

#[test]
fn a_library_without_the_declaration_is_never_called() {
    let run = run_app(&["--processor", "plain_library"]);
    assert_one_error_line(
        &run,
        &[
            &plugin_file("plain_library"),
            "not a plugin",
            "exports no `PLUGIN_DECLARATION` symbol",
        ],
    );
}

#[test]
fn a_plugin_of_another_abi_version_is_refused_with_both_versions() {
    let run = run_app(&["--processor", "future_abi_plugin"]);
    assert_one_error_line(
        &run,
        &[
            &plugin_file("future_abi_plugin"),
            &format!("speaks plugin ABI version {}", ABI_VERSION + 1),
            &format!("this app speaks version {ABI_VERSION}"),
        ],
    );
}

#[test]
fn a_panic_inside_a_plugin_is_reported_and_the_app_exits_cleanly() {
    let run = run_app(&["--processor", "panicking_processor"]);
    let line = assert_one_error_line(
        &run,
        &[
            "plugin panicking_processor",
            &plugin_file("panicking_processor"),
            "panicked: process(42)",
            "panics on purpose while processing 42",
        ],
    );
    // The plugin's own panic report (`thread 'main' panicked at ...`) stays silent: the app's
    // one line above says it all.
    assert!(!line.contains("panicked at"), "{line}");
}

#[test]
fn an_input_whose_doubling_overflows_is_an_error_not_a_panic() {
    let run = run_app(&["--input", "2147483647"]);
    assert_one_error_line(
        &run,
        &[
            "plugin component1",
            "process(2147483647)",
            "overflow: 2147483647 * 2 does not fit in an i32",
        ],
    );
}

#[test]
fn overflow_stops_a_repeat_run_with_the_same_error() {
    let run = run_app(&["--input", "-2147483648", "--repeat", "10"]);
    assert_one_error_line(&run, &["overflow: -2147483648 * 2"]);
    assert!(!run.stdout.contains("summary:"), "{}", run.stdout);
}

#[test]
fn a_plugin_cannot_play_a_role_it_does_not_provide() {
    let run = run_app(&["--processor", "component2"]);
    assert_one_error_line(
        &run,
        &[
            "plugin component2",
            "cannot be the processor",
            "has no processor table",
        ],
    );
    assert!(!run.stdout.contains("Loaded"), "{}", run.stdout);
}

#[test]
fn bad_flags_are_one_line_usage_errors() {
    for (args, fragment) in [
        (
            &["--input", "forty-two"][..],
            "invalid value 'forty-two' for '--input <INPUT>'",
        ),
        (&["--repeat", "0"][..], "for '--repeat <N>'"),
        (&["--warmup", "10"][..], "--repeat <N>"),
        (
            &["--processor", "../component1"][..],
            "for '--processor <NAME>': expected a plugin name",
        ),
        (&["--verbose"][..], "unexpected argument '--verbose'"),
    ] {
        let run = run_app(args);
        assert_one_error_line(&run, &[fragment, "(see --help)"]);
        assert_eq!(run.stdout, "", "nothing runs after a usage error");
    }
}
