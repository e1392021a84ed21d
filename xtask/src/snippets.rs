//! README snippets cannot drift from the code they show.
//!
//! A step README teaches with ```rust blocks taken from the step's own files. A block whose first
//! line is a comment naming a file (`// app/src/main.rs`, relative to the step directory) must
//! stand in that file line for line, as the `## Expected output` block must equal
//! `expected_output.txt`. Lines compare with leading and trailing white space trimmed, so a
//! snippet may be indented differently; a line that is exactly `// ...` stands for any number of
//! omitted lines (none included). Everything else, blank lines too, must match in order.

use std::fs;

use crate::steps::{self, STEPS};

/// One ```rust block of a README: the file it names and the lines after that first comment.
#[derive(Debug, PartialEq)]
struct Snippet {
    /// The README line where the block's fence stands, for error messages.
    line: usize,
    file: String,
    body: Vec<String>,
}

/// The line that stands for omitted lines of the file.
const OMITTED: &str = "// ...";

/// Every ```rust block of `readme` whose first line is `// <file>`: a single word with a dot in
/// it, such as `app/src/main.rs`. Other blocks (`// step 03`, no comment at all) are not named
/// snippets and are not returned.
fn named_snippets(readme: &str) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut lines = readme.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        if line.trim() != "```rust" {
            continue;
        }
        let mut block: Vec<String> = Vec::new();
        for (_, line) in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            block.push(line.to_string());
        }
        let Some(first) = block.first() else {
            continue;
        };
        let named = first
            .trim()
            .strip_prefix("// ")
            .filter(|name| !name.contains(char::is_whitespace) && name.contains('.'));
        if let Some(file) = named {
            snippets.push(Snippet {
                line: index + 1,
                file: file.to_string(),
                body: block[1..].to_vec(),
            });
        }
    }
    snippets
}

/// Whether `body` stands in `file` in order, each run between `// ...` lines as consecutive
/// lines, all compared trimmed. On failure, the first line of the block that could not be placed.
fn find_in(body: &[String], file: &str) -> Result<(), String> {
    let file: Vec<&str> = file.lines().map(str::trim).collect();
    let body: Vec<&str> = body.iter().map(|line| line.trim()).collect();
    let mut from = 0;
    for run in body.split(|line| *line == OMITTED) {
        if run.is_empty() {
            continue;
        }
        // The earliest place this run fits after the previous one: placing each run as early as
        // possible leaves the most room for the runs after it.
        let at = (from..file.len())
            .find(|&start| file[start..].starts_with(run))
            .ok_or_else(|| {
                // Name the first line of the run that does not follow from the file, so the
                // message points at the drift rather than at the start of the run.
                let longest = (from..file.len())
                    .map(|start| {
                        run.iter()
                            .zip(&file[start..])
                            .take_while(|(a, b)| a == b)
                            .count()
                    })
                    .max()
                    .unwrap_or(0);
                run[longest.min(run.len() - 1)].to_string()
            })?;
        from = at + run.len();
    }
    Ok(())
}

#[test]
fn every_named_readme_snippet_stands_in_its_file() {
    let root = steps::repo_root();
    let mut checked = 0;
    for step in &STEPS {
        let dir = root.join(step.dir);
        let Ok(readme) = fs::read_to_string(dir.join("README.md")) else {
            continue;
        };
        for snippet in named_snippets(&readme.replace("\r\n", "\n")) {
            let path = dir.join(&snippet.file);
            let file = fs::read_to_string(&path).unwrap_or_else(|error| {
                panic!(
                    "{}/README.md line {} shows {}, which cannot be read: {error}",
                    step.dir, snippet.line, snippet.file
                )
            });
            if let Err(line) = find_in(&snippet.body, &file.replace("\r\n", "\n")) {
                panic!(
                    "{}/README.md line {}: the snippet no longer matches {}; from this line on \
                     it is not in the file: {line:?}",
                    step.dir, snippet.line, snippet.file
                );
            }
            checked += 1;
        }
    }
    eprintln!("{checked} README snippet(s) match their files");
}

#[test]
fn the_code_shown_in_steps_05_to_08_names_its_files() {
    // "Show me the code" is the lesson; each of its blocks must be one the test above checks.
    let root = steps::repo_root();
    for step in &STEPS[5..] {
        let Ok(readme) = fs::read_to_string(root.join(step.dir).join("README.md")) else {
            continue;
        };
        let readme = readme.replace("\r\n", "\n");
        let Some(start) = readme.find("\n## Show me the code") else {
            continue;
        };
        let section = &readme[start + 1..];
        let section = &section[..section[3..]
            .find("\n## ")
            .map_or(section.len(), |end| end + 3)];
        let blocks = section.matches("```rust").count();
        let named = named_snippets(section).len();
        assert_eq!(
            blocks, named,
            "{}/README.md: every ```rust block under `## Show me the code` must start with \
             `// <file>` so a test holds it to that file",
            step.dir
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    const FILE: &str =
        "fn main() {\n    let a = 1;\n    let b = 2;\n\n    println!(\"{a}{b}\");\n}\n";

    #[test]
    fn only_blocks_whose_first_line_names_a_file_are_snippets() {
        let readme = "text\n```rust\n// app/src/main.rs\nfn main() {}\n```\n\n\
                      ```rust\n// step 03\nfn other() {}\n```\n```rust\nfn bare() {}\n```\n\
                      ```toml\n// Cargo.toml\n```\n";
        assert_eq!(
            named_snippets(readme),
            vec![Snippet {
                line: 2,
                file: "app/src/main.rs".into(),
                body: vec!["fn main() {}".into()],
            }]
        );
    }

    #[test]
    fn a_verbatim_snippet_matches_whatever_its_indentation() {
        assert_eq!(find_in(&lines("let a = 1;\n  let b = 2;"), FILE), Ok(()));
    }

    #[test]
    fn omitted_lines_may_stand_for_any_number_of_lines() {
        let body = lines("fn main() {\n// ...\n    println!(\"{a}{b}\");\n}");
        assert_eq!(find_in(&body, FILE), Ok(()));
        let none_omitted = lines("let a = 1;\n// ...\nlet b = 2;");
        assert_eq!(find_in(&none_omitted, FILE), Ok(()));
    }

    #[test]
    fn a_changed_line_is_named() {
        let body = lines("fn main() {\n    let a = 3;\n    let b = 2;");
        assert_eq!(find_in(&body, FILE), Err("let a = 3;".into()));
    }

    #[test]
    fn lines_out_of_order_or_missing_blank_lines_do_not_match() {
        assert!(find_in(&lines("let b = 2;\n// ...\nlet a = 1;"), FILE).is_err());
        assert!(find_in(&lines("let b = 2;\nprintln!(\"{a}{b}\");"), FILE).is_err());
    }

    #[test]
    fn a_file_shorter_than_the_snippet_does_not_match() {
        assert!(find_in(&lines("a\nb\nc"), "a\nb").is_err());
    }
}
