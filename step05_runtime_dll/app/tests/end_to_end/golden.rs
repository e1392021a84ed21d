//! Golden test: a plain `cargo run` prints exactly `expected_output.txt`.
//!
//! Two parts of the output legitimately differ between machines, and only those are normalised:
//! the plugin directory (an absolute path) becomes `<app dir>`, and the plugin file names become
//! their Linux spelling (`component1.dll` on Windows, `libcomponent1.dylib` on macOS, both read
//! `libcomponent1.so`).

use crate::support::{plugin_file, run_app};

#[test]
fn a_plain_run_prints_the_expected_output() {
    let run = run_app(&[]);
    assert!(
        run.status.success(),
        "app failed: {}\n{}",
        run.status,
        run.stderr
    );
    assert_eq!(run.stderr, "", "a good run prints nothing on stderr");

    let expected = include_str!("../../../expected_output.txt");
    assert_eq!(normalized(&run.stdout), trimmed(expected));
}

fn normalized(stdout: &str) -> String {
    let lines: Vec<String> = stdout
        .lines()
        .map(|line| {
            let mut line = match line.strip_prefix("Plugin directory: ") {
                // Keep the origin, "(the app's own directory)", and hide the path before it.
                Some(rest) => {
                    let origin = rest.rfind(" (").map_or("", |at| &rest[at..]);
                    format!("Plugin directory: <app dir>{origin}")
                }
                None => line.to_string(),
            };
            for name in ["component1", "component2"] {
                line = line.replace(&plugin_file(name), &format!("lib{name}.so"));
            }
            line
        })
        .collect();
    trimmed(&lines.join("\n"))
}

/// Leading and trailing blank lines aside; a Windows checkout may also have turned `\n` into
/// `\r\n` in the expected file, though the program prints `\n`.
fn trimmed(text: &str) -> String {
    text.replace("\r\n", "\n").trim_matches('\n').to_string()
}
