//! Step 05: the components are plugin files that the app opens while it runs. Run: `cargo run`.

use app::pipeline::run_pipeline;
use app::plugin::Plugin;
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE; // exit status 1
    }
    println!("\nExecution complete");
    ExitCode::SUCCESS
}

// `Box<dyn Error>`: any error. `?` turns each error below into one: `open`'s `String`, the
// pipeline's `CallError`.
fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut dir = std::env::current_exe()?;
    dir.pop(); // the app's file name off: its folder, where the plugin files are
    let processor = Plugin::open(&dir, "component1")?;
    let transformer = Plugin::open(&dir, "component2")?;
    println!("Loaded plugin {} {}", processor.name, processor.version);
    println!("Loaded plugin {} {}", transformer.name, transformer.version);
    run_pipeline(&processor, &transformer, 42)?;
    Ok(())
}
