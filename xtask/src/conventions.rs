//! What every step must keep, checked across the whole repository. Steps that are not written
//! yet are passed over; the moment a step directory appears, it is held to all of this.

use std::fs;
use std::path::{Path, PathBuf};

use crate::steps::{self, BENCH_WORKSPACES, STEPS};

/// The Rust version every package declares: the one this repository is built and tested with.
const RUST_VERSION: &str = "1.95";

fn written_steps() -> Vec<PathBuf> {
    let root = steps::repo_root();
    STEPS
        .iter()
        .map(|step| root.join(step.dir))
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .collect()
}

/// Every workspace readers build on their own: the written steps and the benchmark programs.
fn own_workspaces() -> Vec<PathBuf> {
    let root = steps::repo_root();
    written_steps()
        .into_iter()
        .chain(BENCH_WORKSPACES.iter().map(|dir| root.join(dir)))
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .replace("\r\n", "\n")
}

/// Every `Cargo.toml` below `dir`, build output and hidden directories aside.
fn manifests(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            found.extend(manifests(&path));
        } else if name == "Cargo.toml" {
            found.push(path);
        }
    }
    found
}

/// The content of the first ```text block after the `## Expected output` heading.
fn expected_output_block(readme: &str) -> Option<&str> {
    let after_heading = &readme[readme.find("\n## Expected output")?..];
    let start = after_heading.find("```text\n")? + "```text\n".len();
    let length = after_heading[start..].find("\n```")?;
    Some(&after_heading[start..start + length])
}

#[test]
fn every_step_readme_shows_its_expected_output() {
    for dir in written_steps() {
        let expected = read(&dir.join("expected_output.txt"));
        let readme = read(&dir.join("README.md"));
        let shown = expected_output_block(&readme).unwrap_or_else(|| {
            panic!(
                "{}/README.md has no ```text block under `## Expected output`",
                dir.display()
            )
        });
        assert_eq!(
            shown.trim_matches('\n'),
            expected.trim_matches('\n'),
            "{}/README.md shows another output than expected_output.txt",
            dir.display()
        );
    }
}

#[test]
fn every_package_declares_edition_2024_and_the_rust_version() {
    let root = steps::repo_root();
    let all_manifests = own_workspaces()
        .into_iter()
        .flat_map(|dir| manifests(&dir))
        .chain([
            root.join("xtask/Cargo.toml"),
            root.join("bench/measure/Cargo.toml"),
        ]);
    for manifest in all_manifests {
        let text = read(&manifest);
        if !text.contains("[package]") {
            continue;
        }
        let edition_ok =
            text.contains("edition = \"2024\"") || text.contains("edition.workspace = true");
        let rust_version_ok = text.contains(&format!("rust-version = \"{RUST_VERSION}\""))
            || text.contains("rust-version.workspace = true");
        assert!(edition_ok, "{} is not on edition 2024", manifest.display());
        assert!(
            rust_version_ok,
            "{} does not declare rust-version = \"{RUST_VERSION}\"",
            manifest.display()
        );
    }
}

#[test]
fn every_workspace_uses_resolver_3() {
    let root = steps::repo_root();
    let workspace_manifests = own_workspaces()
        .into_iter()
        .map(|dir| dir.join("Cargo.toml"))
        .chain([root.join("Cargo.toml")]);
    for manifest in workspace_manifests {
        let text = read(&manifest);
        if text.contains("[workspace]") {
            assert!(
                text.contains("resolver = \"3\""),
                "{} does not set resolver = \"3\"",
                manifest.display()
            );
        }
    }
}

#[test]
fn every_step_has_its_lockfile_and_no_cargo_config() {
    for dir in own_workspaces() {
        assert!(
            dir.join("Cargo.lock").is_file(),
            "{} has no Cargo.lock: readers must build what we tested",
            dir.display()
        );
        for config in [".cargo/config.toml", ".cargo/config"] {
            assert!(
                !dir.join(config).exists(),
                "{} has a {config}: steps must build with nothing but a toolchain",
                dir.display()
            );
        }
    }
}

#[test]
fn root_readme_lists_every_step_and_every_xtask_command() {
    let readme = read(&steps::repo_root().join("README.md"));
    for step in &STEPS {
        assert!(
            readme.contains(step.dir),
            "README.md does not list {}",
            step.dir
        );
    }
    for command in [
        "cargo xtask journey",
        "cargo xtask test",
        "cargo xtask bench",
        "cargo xtask faults",
        "cargo xtask wine",
        "cargo xtask compose",
    ] {
        assert!(
            readme.contains(command),
            "README.md does not show `{command}`"
        );
    }
}

#[test]
fn expected_output_block_is_found_under_its_heading_only() {
    let readme =
        "# Step\n\n```text\nnot this\n```\n\n## Expected output\n\n```text\nthis\nand this\n```\n";
    assert_eq!(expected_output_block(readme), Some("this\nand this"));
    assert_eq!(
        expected_output_block("# Step\n\n```text\nno heading\n```\n"),
        None
    );
}
