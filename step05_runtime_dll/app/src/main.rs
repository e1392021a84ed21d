//! Step 05: the components are plugins, loaded at run time through a stable C ABI.
//!
//! In step 04 the app linked the components' `rlib`s and the dynamic libraries sat unused. Now the
//! app does not depend on the components at all: it finds their files at run time
//! (`libcomponent1.so`, `libcomponent1.dylib` or `component1.dll`), checks each one's declaration,
//! wraps the plugins in types that implement `Processor` and `Transformer`, and hands them to the
//! same `run_pipeline` as step 04. Swapping a plugin needs no rebuild of the app.
//!
//! Run it with `cargo run` from `step05_runtime_dll/` (that builds the plugins too), then swap the
//! transformer: `cargo run -- --transformer hex_transformer`.
//!
//! # Layout
//!
//! - `cli.rs`: the flags, `PLUGIN_DIR`, and the usage text.
//! - `plugin_library.rs`: one plugin file: finding it, the handshake, unloading it.
//! - `plugin_components.rs`: `PluginProcessor` and `PluginTransformer`, the trait
//!   implementations that call through the plugin's C tables.
//! - `summary.rs`: the `summary:` line of `--repeat`.

mod cli;
mod plugin_components;
mod plugin_library;
mod summary;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use plugin_interface::LogFn;
use traits::{ComponentError, Processor, Transformer};

use crate::cli::{Args, PluginDirChoice, USAGE, UsageError};
use crate::plugin_components::{PluginProcessor, PluginTransformer, print_chatter};
use crate::plugin_library::{PluginError, PluginLibrary, Role};
use crate::summary::Summary;

fn main() -> ExitCode {
    let parsed = Args::parse(std::env::args_os().skip(1), std::env::var_os("PLUGIN_DIR"));
    let outcome = parsed.map_err(AppError::from).and_then(|args| {
        if args.help {
            println!("{USAGE}");
            Ok(())
        } else {
            run(&args)
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), AppError> {
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");

    let (plugin_dir, origin) = plugin_directory(&args.plugin_dir)?;
    println!("Plugin directory: {} ({origin})", plugin_dir.display());
    let processor_plugin = load(&plugin_dir, &args.processor, Role::Processor)?;
    let transformer_plugin = load(&plugin_dir, &args.transformer, Role::Transformer)?;

    // A normal run prints the plugins' chatter; `--repeat` measures the calls, so the plugins
    // get no sink and stay quiet.
    let chatter: Option<LogFn> = match args.repeat {
        None => Some(print_chatter),
        Some(_) => None,
    };
    let summary = {
        let processor = PluginProcessor::create(&processor_plugin, chatter)?;
        let transformer = PluginTransformer::create(&transformer_plugin, chatter)?;
        match args.repeat {
            None => {
                run_pipeline(&processor, &transformer, args.input, Narration::Print)?;
                None
            }
            Some(times) => Some(repeat_pipeline(
                &processor,
                &transformer,
                args.input,
                args.warmup,
                times,
            )?),
        }
        // `processor` and `transformer` end here: each plugin destroys its instance before its
        // library is unloaded below. The borrow checker would refuse the opposite order.
    };

    println!();
    for plugin in [transformer_plugin, processor_plugin] {
        let file_name = plugin.file_name();
        plugin.unload()?;
        println!("Unloaded {file_name}");
    }

    println!("\nExecution complete");
    if let Some(summary) = summary {
        println!("{summary}");
    }
    Ok(())
}

/// Loads plugin `name`, checks that it can play `role`, and says which file it was.
fn load(dir: &Path, name: &str, role: Role) -> Result<PluginLibrary, PluginError> {
    let plugin = PluginLibrary::load(dir, name)?;
    plugin.check_role(role)?;
    println!(
        "Loaded {}: {} {}, as the {role}",
        plugin.file_name(),
        plugin.name(),
        plugin.version()
    );
    Ok(plugin)
}

/// The directory to load plugins from, and where that choice came from.
fn plugin_directory(choice: &PluginDirChoice) -> Result<(PathBuf, &'static str), AppError> {
    let (dir, origin) = match choice {
        PluginDirChoice::Flag(dir) => (dir.clone(), "from --plugin-dir"),
        PluginDirChoice::Environment(dir) => (dir.clone(), "from PLUGIN_DIR"),
        PluginDirChoice::NextToTheApp => {
            let exe = std::env::current_exe().map_err(AppError::NoAppDirectory)?;
            let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
            (dir, "the app's own directory")
        }
    };
    // Absolute, so the file name always comes with a directory: given a bare name, the system
    // loader would search its own library path instead of this directory.
    let dir = std::path::absolute(&dir).map_err(AppError::NoAppDirectory)?;
    Ok((dir, origin))
}

/// Whether `run_pipeline` prints what it does (a normal run) or only does it (`--repeat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Narration {
    Print,
    Quiet,
}

/// The pipeline of steps 03-04: it still knows nothing but the traits, and it cannot tell that
/// the components now live in files loaded at run time. What changed is that each call may fail,
/// and `?` hands the failure back to `main`.
fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    narration: Narration,
) -> Result<(), ComponentError> {
    let print = narration == Narration::Print;
    if print {
        println!("\n--- Processing Pipeline ---");
        println!("Input value: {}", input);
    }

    let data1 = processor.process(input)?;
    let is_valid = processor.validate(&data1)?;
    if print {
        println!("Component1 result: {:?}, Valid: {}", data1, is_valid);
    }

    let data2 = transformer.transform(data1.value)?;
    let analysis = transformer.analyze(&data2)?;
    if print {
        println!("Component2 result: {:?}", data2);
        println!("{}", analysis);
    }
    Ok(())
}

/// `--repeat N`: `warmup` quiet pipelines that are not timed, then N that are, stopping at the
/// first error.
fn repeat_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    warmup: usize,
    times: usize,
) -> Result<Summary, ComponentError> {
    for _ in 0..warmup {
        run_pipeline(processor, transformer, input, Narration::Quiet)?;
    }
    let mut latencies = Vec::with_capacity(times);
    let started = Instant::now();
    for _ in 0..times {
        let pipeline_started = Instant::now();
        run_pipeline(processor, transformer, input, Narration::Quiet)?;
        latencies.push(pipeline_started.elapsed());
    }
    Ok(Summary::of_successes(latencies, started.elapsed()))
}

/// Everything that stops the app, each printed as one `error: ...` line.
#[derive(Debug)]
enum AppError {
    Usage(UsageError),
    NoAppDirectory(std::io::Error),
    Plugin(PluginError),
    Component(ComponentError),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Usage(error) => write!(f, "{error}"),
            AppError::NoAppDirectory(error) => write!(
                f,
                "cannot tell which directory the app runs from ({error}); pass --plugin-dir DIR"
            ),
            AppError::Plugin(error) => write!(f, "{error}"),
            AppError::Component(error) => write!(f, "{error}"),
        }
    }
}

impl From<UsageError> for AppError {
    fn from(error: UsageError) -> Self {
        AppError::Usage(error)
    }
}

impl From<PluginError> for AppError {
    fn from(error: PluginError) -> Self {
        AppError::Plugin(error)
    }
}

impl From<ComponentError> for AppError {
    fn from(error: ComponentError) -> Self {
        AppError::Component(error)
    }
}
