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

/// The pages at the front of the repository: the root README for the post's readers, the
/// measurements, and how to contribute.
pub(crate) const FRONT_PAGES: [&str; 3] = ["README.md", "bench/README.md", "CONTRIBUTING.md"];

#[test]
fn root_readme_lists_every_step_and_the_front_pages_every_xtask_command() {
    let root = steps::repo_root();
    let readme = read(&root.join("README.md"));
    for step in &STEPS {
        assert!(
            readme.contains(step.dir),
            "README.md does not list {}",
            step.dir
        );
    }
    for command in ["cargo xtask journey", "cargo xtask test"] {
        assert!(
            readme.contains(command),
            "README.md does not show `{command}`"
        );
    }
    let front: String = FRONT_PAGES
        .iter()
        .map(|page| read(&root.join(page)))
        .collect();
    for command in [
        "cargo xtask journey",
        "cargo xtask test",
        "cargo xtask bench",
        "cargo xtask faults",
        "cargo xtask wine",
        "cargo xtask compose",
    ] {
        assert!(
            front.contains(command),
            "none of {FRONT_PAGES:?} shows `{command}`"
        );
    }
}

#[test]
fn root_readme_shows_the_lines_every_step_prints() {
    let readme = read(&steps::repo_root().join("README.md"));
    let start = readme
        .find("```text\n")
        .expect("README.md has a ```text block")
        + 8;
    let length = readme[start..]
        .find("\n```")
        .expect("the ```text block ends");
    assert_eq!(
        readme[start..start + length].lines().collect::<Vec<_>>(),
        steps::INVARIANT_LINES,
        "README.md's first ```text block must be the two lines every step prints"
    );
}

/// The text between the lines `markers.0` and `markers.1`, trimmed.
fn between<'a>(text: &'a str, markers: (&str, &str), page: &str) -> &'a str {
    let begin = text
        .find(markers.0)
        .unwrap_or_else(|| panic!("{page} has no line `{}`", markers.0))
        + markers.0.len();
    let end = text[begin..]
        .find(markers.1)
        .unwrap_or_else(|| panic!("{page} has no line `{}`", markers.1));
    text[begin..begin + end].trim()
}

#[test]
fn the_measurement_pages_show_what_the_commands_wrote() {
    use crate::{bench, faults, results};
    let root = steps::repo_root();
    let costs = read(&root.join(results::COSTS_FILE));
    let fault_table = read(&root.join(results::FAULTS_FILE));
    let bench_page = read(&root.join(results::BENCH_README));
    let readme = read(&root.join("README.md"));
    let checks = [
        (
            results::BENCH_README,
            between(
                &bench_page,
                (bench::report::README_BEGIN, bench::report::README_END),
                results::BENCH_README,
            ),
            costs.replace(
                "](boundaries.svg)",
                &format!("]({})", bench::report::CHART_FROM_BENCH_README),
            ),
            "the cost table of bench/results/boundaries.md",
        ),
        (
            results::BENCH_README,
            between(
                &bench_page,
                (faults::report::README_BEGIN, faults::report::README_END),
                results::BENCH_README,
            ),
            fault_table.clone(),
            "the fault table of bench/results/faults.md",
        ),
        (
            results::BENCH_README,
            between(
                &bench_page,
                (results::SHOWS_BEGIN, results::SHOWS_END),
                results::BENCH_README,
            ),
            results::what_it_shows(&costs, &fault_table),
            "the paragraph xtask/src/results.rs makes of bench/results/",
        ),
        (
            "README.md",
            between(
                &readme,
                (results::COMPACT_BEGIN, results::COMPACT_END),
                "README.md",
            ),
            results::compact_table(&costs, &fault_table),
            "the compact table xtask/src/results.rs makes of bench/results/",
        ),
    ];
    for (page, shown, expected, what) in checks {
        assert_eq!(
            shown,
            expected.trim(),
            "{page} does not show {what}: run `cargo xtask bench` or `cargo xtask faults`, or \
             copy it from there"
        );
    }
}

/// Every link target of a Markdown text with the line it is on: `[text](target)`,
/// `![alt](target)` and `[label]: target`, outside code blocks and code spans.
fn links(markdown: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for (index, line) in markdown.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Code spans are not links; their text goes, their backticks stay.
        let mut prose = String::new();
        for (i, piece) in line.split('`').enumerate() {
            prose.push_str(if i % 2 == 0 { piece } else { "" });
            prose.push('`');
        }
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let target = rest.trim_start_matches('<');
            let end = target.find([')', ' ', '>']).unwrap_or(target.len());
            found.push((index + 1, target[..end].to_string()));
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('[')
            && let Some((_, target)) = trimmed.split_once("]: ")
        {
            found.push((index + 1, target.trim().to_string()));
        }
    }
    found
}

/// The anchors GitHub gives a page's headings: lower case, punctuation but `-` and `_` dropped,
/// spaces as `-`.
fn anchors(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        if in_fence {
            continue;
        }
        let heading = heading.trim_start_matches('#').trim();
        found.push(
            heading
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
                .map(|c| if c == ' ' { '-' } else { c })
                .collect(),
        );
    }
    found
}

#[test]
fn every_relative_link_in_the_front_pages_resolves() {
    let root = steps::repo_root();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in FRONT_PAGES {
        let path = root.join(page);
        let text = read(&path);
        let dir = path.parent().expect("a page is in a directory");
        for (line, target) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let linked = if file.is_empty() {
                path.clone()
            } else {
                dir.join(file)
            };
            if !linked.exists() {
                broken.push(format!(
                    "{page}:{line}: `{target}`: no such file or directory"
                ));
                continue;
            }
            if !anchor.is_empty() {
                let linked_page = if linked.is_dir() {
                    linked.join("README.md")
                } else {
                    linked
                };
                if !anchors(&read(&linked_page)).iter().any(|a| a == anchor) {
                    broken.push(format!("{page}:{line}: `{target}`: no such heading"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(
        checked > 20,
        "only {checked} links found: is the parser broken?"
    );
}

#[test]
fn links_are_found_outside_code_and_anchors_follow_githubs_rules() {
    let page = "# A `CARGO_TARGET_DIR`, and more!\n\
                See [`step00`](step00_mono_file) and ![chart](bench/a.svg \"title\").\n\
                `[not](a link)` but [this](#a-cargo_target_dir-and-more).\n\
                ```sh\n[no](link)\n```\n[label]: CONTRIBUTING.md\n";
    assert_eq!(
        links(page),
        [
            (2, "step00_mono_file".to_string()),
            (2, "bench/a.svg".to_string()),
            (3, "#a-cargo_target_dir-and-more".to_string()),
            (7, "CONTRIBUTING.md".to_string()),
        ]
    );
    assert_eq!(anchors(page), ["a-cargo_target_dir-and-more"]);
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
