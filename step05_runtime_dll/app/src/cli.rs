//! The command line: the flags shared by steps 05-08, the plugin choices, and `PLUGIN_DIR`.
//!
//! Hand-written rather than built on a parser crate: six flags do not earn a dependency, and
//! every error below is one line that names the flag and the value it did not like.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

pub const USAGE: &str = "\
Usage: app [OPTIONS]

Loads a processor plugin and a transformer plugin at run time and runs the pipeline through them.

Options:
  --input N             the pipeline's input (default 42)
  --repeat N            run the pipeline N times without chatter, then print a summary: line
  --warmup N            with --repeat: first run N pipelines that are not measured (default 0)
  --plugin-dir DIR      where the plugin files are (default: the app's own directory;
                        the PLUGIN_DIR environment variable sets it too, the flag wins)
  --processor NAME      the processor plugin (default component1)
  --transformer NAME    the transformer plugin (default component2; try hex_transformer)
  -h, --help            print this help

A plugin NAME is a file name without its platform's prefix and suffix:
component1 is libcomponent1.so on Linux, libcomponent1.dylib on macOS, component1.dll on Windows.";

/// The most pipelines one `--repeat` may run: each one keeps its latency in memory.
pub const MAX_REPEAT: usize = 10_000_000;

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub struct Args {
    pub input: i32,
    /// `None`: one run with chatter. `Some(n)`: n quiet runs and a `summary:` line.
    pub repeat: Option<usize>,
    /// Pipelines run before the measured ones of `--repeat`, so that the first calls (page
    /// faults, cold caches) do not count.
    pub warmup: usize,
    pub plugin_dir: PluginDirChoice,
    pub processor: String,
    pub transformer: String,
    pub help: bool,
}

/// Where the plugin directory comes from, so the app can say so.
#[derive(Debug, PartialEq)]
pub enum PluginDirChoice {
    NextToTheApp,
    Flag(PathBuf),
    Environment(PathBuf),
}

/// A command line the app cannot run.
#[derive(Debug, PartialEq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (see --help)", self.0)
    }
}

impl std::error::Error for UsageError {}

impl Args {
    /// Parses the arguments after the program name, and the value of `PLUGIN_DIR` if it is set.
    pub fn parse(
        args: impl IntoIterator<Item = OsString>,
        plugin_dir_variable: Option<OsString>,
    ) -> Result<Args, UsageError> {
        let mut parsed = Args {
            input: 42,
            repeat: None,
            warmup: 0,
            // An empty variable counts as unset, as `PLUGIN_DIR= app` usually means.
            plugin_dir: match plugin_dir_variable {
                Some(dir) if !dir.is_empty() => PluginDirChoice::Environment(dir.into()),
                _ => PluginDirChoice::NextToTheApp,
            },
            processor: "component1".to_string(),
            transformer: "component2".to_string(),
            help: false,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let Some(flag) = arg.to_str() else {
                return Err(UsageError(format!("unexpected argument {arg:?}")));
            };
            match flag {
                "-h" | "--help" => parsed.help = true,
                "--input" => {
                    let value = text_value(flag, args.next())?;
                    parsed.input = value.parse().map_err(|_| {
                        UsageError(format!(
                            "--input expects a whole number from {} to {}, got `{value}`",
                            i32::MIN,
                            i32::MAX
                        ))
                    })?;
                }
                "--repeat" => {
                    let value = text_value(flag, args.next())?;
                    let times = value.parse().ok().filter(|n| (1..=MAX_REPEAT).contains(n));
                    let times = times.ok_or_else(|| {
                        UsageError(format!(
                            "--repeat expects a count from 1 to {MAX_REPEAT}, got `{value}`"
                        ))
                    })?;
                    parsed.repeat = Some(times);
                }
                "--warmup" => {
                    let value = text_value(flag, args.next())?;
                    let times = value.parse().ok().filter(|n| *n <= MAX_REPEAT);
                    parsed.warmup = times.ok_or_else(|| {
                        UsageError(format!(
                            "--warmup expects a count from 0 to {MAX_REPEAT}, got `{value}`"
                        ))
                    })?;
                }
                "--plugin-dir" => {
                    let dir = args.next().filter(|dir| !dir.is_empty()).ok_or_else(|| {
                        UsageError("--plugin-dir expects a directory".to_string())
                    })?;
                    parsed.plugin_dir = PluginDirChoice::Flag(dir.into());
                }
                "--processor" => parsed.processor = plugin_name(flag, args.next())?,
                "--transformer" => parsed.transformer = plugin_name(flag, args.next())?,
                other => return Err(UsageError(format!("unknown argument `{other}`"))),
            }
        }
        if parsed.warmup > 0 && parsed.repeat.is_none() {
            return Err(UsageError(
                "--warmup only makes sense with --repeat N".to_string(),
            ));
        }
        Ok(parsed)
    }
}

/// The value after `flag`, which must be there and be text.
fn text_value(flag: &str, value: Option<OsString>) -> Result<String, UsageError> {
    let value = value.ok_or_else(|| UsageError(format!("{flag} expects a value")))?;
    value
        .into_string()
        .map_err(|value| UsageError(format!("{flag} expects text, got {value:?}")))
}

/// A plugin name: letters, digits, `_` and `-` only, so it can only name a file inside the
/// plugin directory (no `/`, no `..`).
fn plugin_name(flag: &str, value: Option<OsString>) -> Result<String, UsageError> {
    let name = text_value(flag, value)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() || !name.chars().all(allowed) {
        return Err(UsageError(format!(
            "{flag} expects a plugin name such as component1 (letters, digits, _ and -), got `{name}`"
        )));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, UsageError> {
        Args::parse(args.iter().map(OsString::from), None)
    }

    #[test]
    fn no_arguments_mean_input_42_once_with_the_default_plugins() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.input, 42);
        assert_eq!(args.repeat, None);
        assert_eq!(args.warmup, 0);
        assert_eq!(args.plugin_dir, PluginDirChoice::NextToTheApp);
        assert_eq!(args.processor, "component1");
        assert_eq!(args.transformer, "component2");
    }

    #[test]
    fn every_flag_is_read() {
        let args = parse(&[
            "--input",
            "-7",
            "--repeat",
            "1000",
            "--warmup",
            "50",
            "--plugin-dir",
            "plugins",
            "--processor",
            "my_processor",
            "--transformer",
            "hex_transformer",
        ])
        .unwrap();
        assert_eq!(args.input, -7);
        assert_eq!(args.repeat, Some(1000));
        assert_eq!(args.warmup, 50);
        assert_eq!(args.plugin_dir, PluginDirChoice::Flag("plugins".into()));
        assert_eq!(args.processor, "my_processor");
        assert_eq!(args.transformer, "hex_transformer");
    }

    #[test]
    fn the_plugin_dir_flag_wins_over_the_variable() {
        let from_variable = Args::parse([], Some("from_env".into())).unwrap();
        assert_eq!(
            from_variable.plugin_dir,
            PluginDirChoice::Environment("from_env".into())
        );
        let both = Args::parse(
            ["--plugin-dir", "from_flag"].map(OsString::from),
            Some("from_env".into()),
        )
        .unwrap();
        assert_eq!(both.plugin_dir, PluginDirChoice::Flag("from_flag".into()));
        let empty = Args::parse([], Some("".into())).unwrap();
        assert_eq!(empty.plugin_dir, PluginDirChoice::NextToTheApp);
    }

    #[test]
    fn an_input_outside_i32_is_a_usage_error_naming_the_value() {
        let error = parse(&["--input", "2147483648"]).unwrap_err().to_string();
        assert!(
            error.contains("--input") && error.contains("`2147483648`"),
            "{error}"
        );
    }

    #[test]
    fn repeat_must_be_a_positive_count_within_the_limit() {
        for bad in ["0", "-1", "many", "10000001"] {
            let error = parse(&["--repeat", bad]).unwrap_err().to_string();
            assert!(error.contains(&format!("`{bad}`")), "{error}");
        }
    }

    #[test]
    fn warmup_needs_repeat_and_a_count_within_the_limit() {
        assert_eq!(
            parse(&["--warmup", "10"]).unwrap_err().to_string(),
            "--warmup only makes sense with --repeat N (see --help)"
        );
        for bad in ["-1", "some", "10000001"] {
            let error = parse(&["--repeat", "1", "--warmup", bad])
                .unwrap_err()
                .to_string();
            assert!(error.contains(&format!("`{bad}`")), "{error}");
        }
        assert_eq!(
            parse(&["--repeat", "1", "--warmup", "0"]).unwrap().warmup,
            0
        );
    }

    #[test]
    fn a_plugin_name_cannot_leave_the_plugin_directory() {
        for bad in ["../component1", "dir/component1", "", "lib.so"] {
            assert!(parse(&["--processor", bad]).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_flag_without_its_value_or_an_unknown_flag_is_an_error() {
        assert_eq!(
            parse(&["--input"]).unwrap_err().to_string(),
            "--input expects a value (see --help)"
        );
        assert_eq!(
            parse(&["--fast"]).unwrap_err().to_string(),
            "unknown argument `--fast` (see --help)"
        );
    }
}
