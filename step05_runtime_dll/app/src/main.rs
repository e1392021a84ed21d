//! Step 05: the components are plugins, loaded at run time through a stable C ABI.
//!
//! The app no longer depends on the components: it opens their files at run time, checks each
//! one's declaration, wraps them in types that implement `Processor` and `Transformer`, and hands
//! them to step 04's `run_pipeline`. Run it with `cargo run` from `step05_runtime_dll/` (that
//! builds the plugins too), then swap one: `cargo run -- --transformer hex_transformer`.
//!
//! `plugin.rs` is the boundary (load, handshake, calls, unload); `cli.rs` the flags.

mod cli;
mod plugin;

use std::process::ExitCode;

use plugin_interface::LogFn;
use traits::{ComponentError, Processor, Transformer};

use crate::cli::Cli;
use crate::plugin::{PluginLibrary, PluginProcessor, PluginTransformer, Role, print_chatter};

fn main() -> ExitCode {
    match Cli::from_command_line().and_then(|cli| run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the error and its causes on one line: `cannot load ...: dlopen failed`.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");

    let (plugin_dir, origin) = cli.plugin_dir()?;
    println!("Plugin directory: {} ({origin})", plugin_dir.display());
    let processor_plugin = PluginLibrary::load(&plugin_dir, &cli.processor, Role::Processor)?;
    println!("Loaded {processor_plugin}");
    let transformer_plugin = PluginLibrary::load(&plugin_dir, &cli.transformer, Role::Transformer)?;
    println!("Loaded {transformer_plugin}");

    // `--repeat` measures the calls, so the plugins get no chatter sink and stay quiet.
    let measured = cli.measure.run_args();
    let chatter = measured.is_none().then_some(print_chatter as LogFn);
    let summary = {
        let processor = PluginProcessor::create(&processor_plugin, chatter)?;
        let transformer = PluginTransformer::create(&transformer_plugin, chatter)?;
        match measured {
            None => {
                run_pipeline(&processor, &transformer, cli.input, Narration::Print)?;
                None
            }
            Some(args) => match measure::repeat(args, |_| {
                run_pipeline(&processor, &transformer, cli.input, Narration::Quiet)
            }) {
                (summary, None) => Some(summary),
                (_, Some(error)) => return Err(error.into()),
            },
        }
        // `processor` and `transformer` end here: each plugin destroys its instance before its
        // library is unloaded below. The borrow checker would refuse the opposite order.
    };

    println!();
    for plugin in [transformer_plugin, processor_plugin] {
        let file_name = plugin.file_name.clone();
        plugin.unload()?;
        println!("Unloaded {file_name}");
    }

    println!("\nExecution complete");
    if let Some(summary) = summary {
        println!("{summary}");
    }
    Ok(())
}

/// Whether `run_pipeline` prints what it does, or only does it (`--repeat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Narration {
    Print,
    Quiet,
}

/// The pipeline of step 04, which cannot tell that the components now live in plugin files. What
/// changed is that each call may fail, and `?` hands the failure back to `main`.
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
