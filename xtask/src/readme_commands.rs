//! Every command a README shows can be pasted into bash and into Windows PowerShell, where many of
//! the post's readers are: no `&&` (PowerShell 5.1 has none; `;` works in both), and a variable
//! set the bash way (`NAME=value cargo run`) has its PowerShell form (`$env:NAME="value"`) in the
//! same README.
//!
//! A command is a line of a shell code block (`sh`, `bash`, `console`, `powershell`...) or an
//! inline code span.

use std::fs;
use std::path::PathBuf;

use crate::steps::{self, BENCH_WORKSPACES, STEPS};

const SHELL_BLOCKS: [&str; 7] = [
    "sh",
    "bash",
    "shell",
    "console",
    "powershell",
    "ps1",
    "pwsh",
];

/// One command and the README line it starts on.
#[derive(Debug, PartialEq)]
struct Shown {
    line: usize,
    command: String,
}

/// The commands of one Markdown text.
fn commands(markdown: &str) -> Vec<Shown> {
    let mut found = Vec::new();
    let mut prose = String::new();
    let mut prose_start = 1;
    let mut fence: Option<bool> = None; // Some(is a shell block) inside a fenced block
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match fence {
                None => {
                    found.extend(code_spans(&prose, prose_start));
                    prose.clear();
                    fence = Some(SHELL_BLOCKS.contains(&info.trim()));
                }
                Some(_) => {
                    fence = None;
                    prose_start = number + 1;
                }
            }
            continue;
        }
        match fence {
            Some(true) if !trimmed.is_empty() && !trimmed.starts_with('#') => found.push(Shown {
                line: number,
                command: trimmed.to_string(),
            }),
            Some(_) => {}
            None => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    found.extend(code_spans(&prose, prose_start));
    found
}

/// The inline code spans of prose that starts at line `first_line`; a span may wrap.
fn code_spans(prose: &str, first_line: usize) -> Vec<Shown> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for (index, piece) in prose.split('`').enumerate() {
        if index % 2 == 1 && !piece.is_empty() {
            spans.push(Shown {
                line: first_line + prose[..offset].matches('\n').count(),
                command: piece.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
        offset += piece.len() + 1;
    }
    spans
}

/// `a && b`; the bare `&&`, as prose names it, is no command.
fn chains_with_ampersands(command: &str) -> bool {
    let parts: Vec<&str> = command.split("&&").map(str::trim).collect();
    parts.len() > 1 && parts.iter().all(|part| !part.is_empty())
}

/// The variable a bash-only command sets: `NAME=value command...` or `export NAME=value`.
fn variable_set_the_bash_way(command: &str) -> Option<&str> {
    let command = command.strip_prefix("$ ").unwrap_or(command);
    let (assignment, rest) = match command.strip_prefix("export ") {
        Some(exported) => (exported, "exported"),
        None => command.split_once(' ')?,
    };
    let (name, _value) = assignment.split_once('=')?;
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    (is_name && !rest.trim().is_empty()).then_some(name)
}

/// The pages these checks hold: the front pages (the root README, `bench/README.md`,
/// `CONTRIBUTING.md`), the steps' READMEs (but those not yet written) and the bench workspaces'.
fn readmes() -> Vec<PathBuf> {
    let root = steps::repo_root();
    let dirs = STEPS.iter().map(|step| step.dir).chain(BENCH_WORKSPACES);
    crate::conventions::FRONT_PAGES
        .iter()
        .map(|page| root.join(page))
        .chain(dirs.map(|dir| root.join(dir).join("README.md")))
        .filter(|path| path.is_file())
        .collect()
}

#[test]
fn no_readme_command_chains_with_ampersands() {
    let mut offenders = Vec::new();
    for path in readmes() {
        let text = fs::read_to_string(&path).expect("a README is readable");
        for shown in commands(&text) {
            if chains_with_ampersands(&shown.command) {
                offenders.push(format!(
                    "{}:{}: `{}`",
                    path.display(),
                    shown.line,
                    shown.command
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "Windows PowerShell 5.1 has no `&&`; write `;` (works in bash too):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_variable_a_readme_command_sets_has_a_powershell_form() {
    let mut offenders = Vec::new();
    for path in readmes() {
        let text = fs::read_to_string(&path).expect("a README is readable");
        for shown in commands(&text) {
            if let Some(name) = variable_set_the_bash_way(&shown.command)
                && !text.contains(&format!("$env:{name}"))
            {
                offenders.push(format!(
                    "{}:{}: `{}` has no `$env:{name}=\"...\"` form",
                    path.display(),
                    shown.line,
                    shown.command
                ));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn shell_lines_and_code_spans_are_commands_and_rust_and_output_are_not() {
    let markdown = "Run `cd a; cargo run` or\n`cargo test\n-p x`.\n\n```sh\n# a comment\ncargo \
                    build\n```\n\n```rust\nif a && b {}\n```\n\n```text\nok && done\n```\nlast `x`\n";
    let shown = commands(markdown);
    let as_pairs: Vec<(usize, &str)> = shown.iter().map(|s| (s.line, s.command.as_str())).collect();
    assert_eq!(
        as_pairs,
        [
            (1, "cd a; cargo run"),
            (2, "cargo test -p x"),
            (7, "cargo build"),
            (17, "x")
        ]
    );
}

#[test]
fn a_chain_is_found_and_the_bare_operator_is_not() {
    assert!(chains_with_ampersands("cd step00_mono_file && cargo run"));
    assert!(!chains_with_ampersands("cd step00_mono_file; cargo run"));
    assert!(!chains_with_ampersands("&&"));
}

#[test]
fn a_variable_set_for_one_command_is_found_and_a_mere_setting_is_not() {
    assert_eq!(
        variable_set_the_bash_way("CARGO_TARGET_DIR=/tmp/t cargo xtask journey"),
        Some("CARGO_TARGET_DIR")
    );
    assert_eq!(
        variable_set_the_bash_way("export RUST_LOG=debug"),
        Some("RUST_LOG")
    );
    assert_eq!(variable_set_the_bash_way("WORK_MS=20"), None);
    assert_eq!(variable_set_the_bash_way("cargo run -- --x=1"), None);
    assert_eq!(
        variable_set_the_bash_way("$env:WORK_MS=\"20\"; cargo run"),
        None
    );
}
