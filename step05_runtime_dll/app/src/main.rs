//! Step 05: the components are plugin files that the app opens while it runs.
//! Run it with `cargo run` from `step05_runtime_dll/`.

use std::process::ExitCode;

use app::pipeline::run_pipeline;
use app::plugin::Plugin;

fn main() -> ExitCode {
    println!("\n\nPhase 05: Runtime Plugins (1 exe loads 2 dll at run time)\n");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE; // exit status 1
    }
    println!("\nExecution complete");
    ExitCode::SUCCESS
}

// Each `?` below hands its error to `main`, whatever its type (a `String`, a `CallError`...):
// `Box<dyn Error>` holds an error of any type.
fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The input: `app 7` runs on 7 (argument 0 is the app's own path); `app` alone, on 42.
    let arg = std::env::args().nth(1).unwrap_or("42".into());
    // `map_err` replaces `parse`'s error with ours, which names the input.
    let input: i32 = arg.parse().map_err(|_| format!("{arg} is not an i32"))?;
    // Cargo puts the plugin files beside the app. `parent()` is the folder that holds the app's
    // file, or `None` for a path with no folder, which `ok_or` turns into this error.
    let app_file = std::env::current_exe()?;
    let dir = app_file.parent().ok_or("the app's path names no folder")?;
    let processor = Plugin::open(dir, "component1")?;
    let transformer = Plugin::open(dir, "component2")?;
    println!("Loaded plugin {} {}", processor.name, processor.version);
    println!("Loaded plugin {} {}", transformer.name, transformer.version);

    run_pipeline(&processor, &transformer, input)?;
    Ok(())
}
