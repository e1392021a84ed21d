//! Step 05: the components are plugins, loaded at run time through a stable C ABI.
//!
//! The app opens the plugin files, checks what each declares, and runs step 04's pipeline through
//! them. Run it with `cargo run` from `step05_runtime_dll/` (that builds the plugins too).
//! `plugin.rs` is the boundary; `cli.rs` (the flags) and `pipeline.rs` are not the lesson.

mod cli;
mod pipeline;
mod plugin;

use std::process::ExitCode;

use crate::cli::Cli;
use crate::pipeline::{once_or_repeated, run_pipeline};
use crate::plugin::{PluginLibrary, PluginProcessor, PluginTransformer, Role};

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
    // Two blank lines, then the banner, as in steps 00-04.
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");

    // 1. Load each plugin file and check what it declares about itself.
    let (plugin_dir, origin) = cli.plugin_dir()?;
    println!("Plugin directory: {} ({origin})", plugin_dir.display());
    let processor_plugin = PluginLibrary::load(&plugin_dir, &cli.processor, Role::Processor)?;
    println!("Loaded {processor_plugin}");
    let transformer_plugin = PluginLibrary::load(&plugin_dir, &cli.transformer, Role::Transformer)?;
    println!("Loaded {transformer_plugin}");

    let summary = {
        // 2. Each plugin creates one instance of its component. Under `--repeat` they stay quiet.
        let quiet = cli.measure.repeat.is_some();
        let processor = PluginProcessor::create(&processor_plugin, quiet)?;
        let transformer = PluginTransformer::create(&transformer_plugin, quiet)?;

        // 3. Step 04's pipeline, through the plugins: once, or `--repeat N` times to time it.
        // `|narration| ...` is a closure; `once_or_repeated` (in `pipeline.rs`) calls it once with
        // `Narration::Print`, or N times with `Narration::Quiet`, and returns the `summary:` line
        // of a `--repeat` run.
        once_or_repeated(&cli.measure, |narration| {
            run_pipeline(&processor, &transformer, cli.input, narration)
        })?
        // 4. `processor` and `transformer` end here: each plugin destroys its instance before its
        // library is unloaded below. The borrow checker would refuse the opposite order.
    };

    // 5. Unload the libraries, in the reverse order of loading.
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
