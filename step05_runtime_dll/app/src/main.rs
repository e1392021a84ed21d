//! Step 05: the components are plugin files that the app opens while it runs.
//!
//! The app does not depend on the components any more: it opens `component1`'s and
//! `component2`'s files from its own directory, checks what each declares, and runs step 04's
//! pipeline through them. Run it with `cargo run` from `step05_runtime_dll/` (that builds the
//! plugins too); `cargo run -- --input 2147483647` shows a component's error.

use std::error::Error;
use std::process::ExitCode;

use app::pipeline::run_pipeline;
use app::plugin::{self, PluginProcessor, PluginTransformer};

fn main() -> ExitCode {
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");
    match run() {
        Ok(()) => {
            println!("\nExecution complete");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    let input = input_from_args()?;

    // The plugin files sit next to the app: in `target/debug/` when Cargo built them both.
    let dir = plugin::app_dir()?;
    let processor = PluginProcessor::open(&dir, "component1")?;
    let transformer = PluginTransformer::open(&dir, "component2")?;
    println!("Loaded plugin {} {}", processor.name, processor.version);
    println!("Loaded plugin {} {}", transformer.name, transformer.version);

    run_pipeline(&processor, &transformer, input)?;
    Ok(())
    // `transformer`, then `processor`, are dropped here: each closes its plugin file.
}

/// `--input N` sets the pipeline's input; without it, the input is 42.
fn input_from_args() -> Result<i32, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(42),
        [flag, value] if flag == "--input" => value
            .parse()
            .map_err(|_| format!("--input needs a whole number that fits in an i32, not {value}")),
        _ => Err("usage: app [--input N]".to_string()),
    }
}
