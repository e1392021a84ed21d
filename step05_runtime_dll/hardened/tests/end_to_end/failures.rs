//! Failures the hardened app adds to the lesson's: an input that overflows, a panic inside a
//! plugin, bad plugins named on the command line, a failed `--repeat` run, bad flags. Each must
//! end with exit status 1 and one `error:` line, never a panic message, an abort or a crash.

use crate::support::{assert_one_error_line, binary_in, command, plugin_file, run, scratch_dir};
use crate::{hardened, with};

#[test]
fn without_plugin_files_beside_it_the_app_names_the_file_it_looked_for() {
    let dir = scratch_dir("without_plugin_files_beside_it");
    let hardened_there = binary_in(&dir, hardened());
    let missing = std::path::absolute(dir.join(plugin_file("component1"))).expect("absolute");
    let run = run(&mut command(&hardened_there));
    assert_one_error_line(
        &run,
        &[&missing.display().to_string(), "cargo build -p component1"],
    );
}

#[test]
fn an_input_whose_doubling_overflows_is_rejected_by_component1() {
    let run = run(&mut with(&["--input", "2147483647"]));
    assert_one_error_line(
        &run,
        &["component1 rejected the input: 2147483647 * 2 does not fit in an i32"],
    );
    assert!(!run.stdout.contains("Component1 result"), "{}", run.stdout);
}

#[test]
fn a_panic_caught_inside_a_plugin_is_one_error_line() {
    let run = run(&mut with(&["--processor", "panicking_processor"]));
    let line = assert_one_error_line(
        &run,
        &[
            "panicking_processor rejected the input: panicked:",
            "panics on purpose while processing 42",
        ],
    );
    // The plugin's own panic report (`thread 'main' panicked at ...`) stays silent.
    assert!(!line.contains("panicked at"), "{line}");
}

#[test]
fn a_plugin_of_another_abi_version_is_refused() {
    let run = run(&mut with(&["--processor", "future_abi_plugin"]));
    let future = format!(
        "speaks plugin ABI version {}",
        plugin_interface::ABI_VERSION + 1
    );
    assert_one_error_line(&run, &["future_abi_plugin", &future]);
}

#[test]
fn a_library_that_is_no_plugin_is_refused_before_anything_runs() {
    let run = run(&mut with(&["--processor", "plain_library"]));
    let not_a_plugin = format!(
        "{} is not a plugin: it exports no plugin_abi_version",
        plugin_file("plain_library")
    );
    assert_one_error_line(&run, &[&not_a_plugin]);
    assert_eq!(
        run.stdout, "",
        "nothing runs before both plugins are loaded"
    );
}

#[test]
fn a_plugin_in_the_other_role_is_refused_at_its_first_call() {
    for (flag, name, role) in [
        ("--processor", "component2", "processor"),
        ("--transformer", "component1", "transformer"),
    ] {
        let run = run(&mut with(&[flag, name]));
        let not_a = format!("cannot call {name}: it is not a {role}");
        assert_one_error_line(&run, &[&not_a]);
        assert!(!run.stdout.contains("Component2 result"), "{}", run.stdout);
    }
}

#[test]
fn overflow_stops_a_repeat_run_with_the_same_error_and_no_summary() {
    let run = run(&mut with(&["--input", "-2147483648", "--repeat", "10"]));
    assert_one_error_line(&run, &["component1 rejected the input: -2147483648 * 2"]);
    assert!(!run.stdout.contains("summary:"), "{}", run.stdout);
}

#[test]
fn bad_flags_are_one_line_usage_errors() {
    for (args, fragment) in [
        (
            &["--input", "forty-two"][..],
            "invalid value 'forty-two' for '--input <INPUT>'",
        ),
        (
            &["--input", "2147483648"][..],
            "invalid value '2147483648' for '--input <INPUT>'",
        ),
        (&["--repeat", "0"][..], "for '--repeat <N>'"),
        (&["--warmup", "10"][..], "--repeat <N>"),
        (
            &["--processor", "../component1"][..],
            "for '--processor <NAME>': expected a plugin name",
        ),
        (&["--verbose"][..], "unexpected argument '--verbose'"),
    ] {
        let run = run(&mut with(args));
        assert_one_error_line(&run, &[fragment, "(see --help)"]);
        assert_eq!(run.stdout, "", "nothing runs after a usage error");
    }
}
