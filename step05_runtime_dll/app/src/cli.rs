//! The command line: which plugins to load, where from, the input, and `--repeat`/`--warmup`.
//!
//! `clap` derives the parser and the `--help` text from the struct below; `PLUGIN_DIR` comes in
//! through `env`. A bad flag is one `error:` line and exit status 1, as every other error of the
//! app, rather than clap's usage block and status 2.

use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::Parser;

/// Loads a processor plugin and a transformer plugin at run time and runs the pipeline through
/// them.
///
/// A plugin NAME is a file name without its platform's prefix and suffix: component1 is
/// libcomponent1.so on Linux, libcomponent1.dylib on macOS, component1.dll on Windows.
#[derive(Parser, Debug)]
#[command(name = "app")]
pub struct Cli {
    /// The pipeline's input.
    #[arg(long, default_value_t = 42, allow_hyphen_values = true)]
    pub input: i32,

    /// The processor plugin.
    #[arg(long, value_name = "NAME", default_value = "component1", value_parser = plugin_name)]
    pub processor: String,

    /// The transformer plugin (try hex_transformer).
    #[arg(long, value_name = "NAME", default_value = "component2", value_parser = plugin_name)]
    pub transformer: String,

    /// Where the plugin files are [default: the app's own directory].
    #[arg(long, value_name = "DIR", env = "PLUGIN_DIR", value_parser = any_path)]
    plugin_dir: Option<PathBuf>,

    #[command(flatten)]
    pub measure: measure::RepeatArgs,
}

impl Cli {
    /// Parses the command line. `--help` prints the help and exits with status 0.
    pub fn from_command_line() -> anyhow::Result<Cli> {
        Cli::try_parse().map_err(one_line)
    }

    /// The directory to load plugins from, and where that choice came from.
    pub fn plugin_dir(&self) -> anyhow::Result<(PathBuf, &'static str)> {
        // An empty directory counts as none, as `PLUGIN_DIR= app` usually means.
        let given = self
            .plugin_dir
            .as_ref()
            .filter(|d| !d.as_os_str().is_empty());
        let (dir, origin) = match given {
            // clap takes the flag over the variable: if they differ, the flag was given.
            Some(dir) if std::env::var_os("PLUGIN_DIR").is_some_and(|v| v == **dir) => {
                (dir.clone(), "from PLUGIN_DIR")
            }
            Some(dir) => (dir.clone(), "from --plugin-dir"),
            None => {
                let exe = std::env::current_exe()
                    .context("cannot tell which directory the app runs from; pass --plugin-dir")?;
                let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
                (dir, "the app's own directory")
            }
        };
        // Absolute, so the file name always comes with a directory: given a bare name, the system
        // loader would search its own library path instead of this directory.
        let dir = std::path::absolute(&dir)
            .with_context(|| format!("cannot make {} absolute", dir.display()))?;
        Ok((dir, origin))
    }
}

/// A clap error as one line (its first paragraph, without clap's `error: ` and usage block), or,
/// for `--help`, the help text and exit status 0.
fn one_line(error: clap::Error) -> anyhow::Error {
    if !error.use_stderr() {
        error.exit();
    }
    // clap indents a continued line ("required arguments were not provided:\n  --repeat <N>").
    let text = error.to_string().replace("\n  ", " ");
    let first = text.lines().next().unwrap_or_default();
    anyhow!("{} (see --help)", first.trim_start_matches("error: "))
}

/// Any path, the empty one included (clap's own path parser refuses it).
fn any_path(path: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(path))
}

/// A plugin name: letters, digits, `_` and `-` only, so it can only name a file inside the
/// plugin directory (no `/`, no `..`).
fn plugin_name(name: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() || !name.chars().all(allowed) {
        return Err("expected a plugin name such as component1 (letters, digits, _ and -)".into());
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
    }

    #[test]
    fn no_arguments_mean_input_42_once_with_the_default_plugins() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.input, 42);
        assert_eq!(cli.measure.run_args(), None);
        assert_eq!(cli.processor, "component1");
        assert_eq!(cli.transformer, "component2");
    }

    #[test]
    fn negative_inputs_are_values_not_flags() {
        assert_eq!(parse(&["--input", "-7"]).unwrap().input, -7);
    }

    #[test]
    fn a_plugin_name_cannot_leave_the_plugin_directory() {
        for bad in ["../component1", "dir/component1", "", "lib.so"] {
            assert!(parse(&["--processor", bad]).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn clap_errors_become_one_line_naming_the_flag() {
        let error = one_line(parse(&["--input", "forty-two"]).unwrap_err()).to_string();
        assert!(!error.contains('\n'), "{error}");
        assert!(
            error.starts_with("invalid value 'forty-two' for '--input <INPUT>'"),
            "{error}"
        );
        assert!(error.ends_with("(see --help)"), "{error}");
        let error = one_line(parse(&["--warmup", "3"]).unwrap_err()).to_string();
        assert!(
            !error.contains('\n') && error.contains("--repeat <N>"),
            "{error}"
        );
    }
}
