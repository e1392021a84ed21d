//! Step 05, hardened: the lesson's app with what a plugin host adds for production, none of which
//! a first read needs. `DESIGN.md` explains each part. Run it with
//! `cargo run -p hardened -- --help`.
//!
//! - `--processor NAME` and `--transformer NAME`: any plugin file, chosen at run time (try
//!   `--transformer hex_transformer`); a name cannot leave the plugin directory.
//! - `--plugin-dir DIR`, or the `PLUGIN_DIR` variable: where the plugin files are (default: next
//!   to this binary). The run says which of the three it used.
//! - `--repeat N [--warmup N]`: the pipeline N times without its printing, then one `summary:`
//!   line, which `cargo xtask bench` and `cargo xtask faults` read.
//! - Every error, a bad flag included, is one `error:` line and exit status 1.
//!
//! A panic inside a plugin cannot be caught here, in the app: the plugin must catch it itself,
//! as `fixtures/panicking_processor` does (see `DESIGN.md`).

use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

use app::pipeline::{CallError, Processor, Transformer, analyze, run_pipeline, validate};
use app::plugin::Plugin;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};

/// Loads a processor plugin and a transformer plugin at run time and runs the pipeline through
/// them.
///
/// A plugin NAME is a file name without its platform's prefix and suffix: component1 is
/// libcomponent1.so on Linux, libcomponent1.dylib on macOS, component1.dll on Windows.
#[derive(Parser, Debug)]
#[command(name = "hardened")]
struct Cli {
    /// The pipeline's input.
    #[arg(long, default_value_t = 42, allow_hyphen_values = true)]
    input: i32,

    /// The processor plugin.
    #[arg(long, value_name = "NAME", default_value = "component1", value_parser = plugin_name)]
    processor: String,

    /// The transformer plugin (try hex_transformer).
    #[arg(long, value_name = "NAME", default_value = "component2", value_parser = plugin_name)]
    transformer: String,

    /// Where the plugin files are [default: this binary's own directory].
    #[arg(long, value_name = "DIR", env = "PLUGIN_DIR", value_parser = any_path)]
    plugin_dir: Option<PathBuf>,

    #[command(flatten)]
    measure: measure::RepeatArgs,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let matches = Cli::command().try_get_matches().map_err(one_line)?;
    let cli = Cli::from_arg_matches(&matches).map_err(one_line)?;
    let (dir, origin) = plugin_dir(&cli, matches.value_source("plugin_dir"))?;

    let processor = Plugin::open(&dir, &cli.processor)?;
    let transformer = Plugin::open(&dir, &cli.transformer)?;

    let Some(args) = cli.measure.run_args() else {
        // One run, printed as the lesson prints it.
        println!("Plugin directory: {} ({origin})", dir.display());
        println!("Loaded plugin {} {}", processor.name, processor.version);
        println!("Loaded plugin {} {}", transformer.name, transformer.version);
        run_pipeline(&processor, &transformer, cli.input)?;
        println!("\nExecution complete");
        return Ok(());
    };
    // `--repeat`: the first failed pipeline stops the run, and its error is all that is printed.
    let pipeline = |_| quiet_pipeline(&processor, &transformer, cli.input);
    match measure::repeat(args, pipeline) {
        (summary, None) => println!("{summary}"),
        (_, Some(error)) => return Err(error.into()),
    }
    Ok(())
}

/// The lesson's pipeline without its printing: the same calls across the boundary, and the same
/// `validate` and `analyze`, whose results `black_box` keeps the optimiser from dropping.
fn quiet_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
) -> Result<(), CallError> {
    let data1 = processor.process(input)?;
    black_box(validate(&data1));
    let data2 = transformer.transform(data1.value)?;
    black_box(analyze(&data2));
    Ok(())
}

/// The directory to load plugins from, made absolute, and where that choice came from. clap
/// says where the value came from (`value_source`); an empty `PLUGIN_DIR` counts as none.
fn plugin_dir(
    cli: &Cli,
    source: Option<ValueSource>,
) -> Result<(PathBuf, &'static str), Box<dyn Error>> {
    let given = cli
        .plugin_dir
        .as_ref()
        .filter(|d| !d.as_os_str().is_empty());
    let (dir, origin) = match (given, source) {
        (Some(dir), Some(ValueSource::EnvVariable)) => (dir.clone(), "from PLUGIN_DIR"),
        (Some(dir), _) => (dir.clone(), "from --plugin-dir"),
        (None, _) => (
            std::env::current_exe()?.with_file_name(""),
            "the app's own directory",
        ),
    };
    // Absolute, so an error names the very file the loader was asked for.
    Ok((std::path::absolute(&dir)?, origin))
}

/// A clap error as one line (its first, without clap's `error: ` and usage block), or, for
/// `--help`, the help text and exit status 0.
fn one_line(error: clap::Error) -> String {
    if !error.use_stderr() {
        error.exit();
    }
    // clap indents a continued line ("required arguments were not provided:\n  --repeat <N>").
    let text = error.to_string().replace("\n  ", " ");
    let first = text.lines().next().unwrap_or_default();
    format!("{} (see --help)", first.trim_start_matches("error: "))
}

/// Any path, the empty one included (clap's own path parser refuses it).
fn any_path(path: &str) -> Result<PathBuf, std::convert::Infallible> {
    Ok(PathBuf::from(path))
}

/// A plugin name: letters, digits, `_` and `-` only, so it names a file inside the plugin
/// directory and nowhere else (no `/`, no `..`).
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
        Cli::try_parse_from(std::iter::once("hardened").chain(args.iter().copied()))
    }

    #[test]
    fn no_arguments_mean_input_42_once_with_the_default_plugins() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.input, 42);
        assert_eq!(cli.measure.run_args(), None);
        assert_eq!(
            (cli.processor.as_str(), cli.transformer.as_str()),
            ("component1", "component2")
        );
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
        let error = one_line(parse(&["--input", "forty-two"]).unwrap_err());
        assert!(!error.contains('\n'), "{error}");
        assert!(
            error.starts_with("invalid value 'forty-two' for '--input <INPUT>'"),
            "{error}"
        );
        assert!(error.ends_with("(see --help)"), "{error}");
        let error = one_line(parse(&["--warmup", "3"]).unwrap_err());
        assert!(
            !error.contains('\n') && error.contains("--repeat <N>"),
            "{error}"
        );
    }
}
