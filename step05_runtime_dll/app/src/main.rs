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

// `Box<dyn Error>` holds an error of any type (a `CallError`, an I/O error, a `String`), so `?`
// can return each of them from `run`.
fn run() -> Result<(), Box<dyn std::error::Error>> {
    let input = input_from_args()?;
    // Cargo puts the plugin files beside the app. `pop` drops the file name, leaving its folder.
    let mut dir = std::env::current_exe()?;
    dir.pop();
    let processor = Plugin::open(&dir, "component1")?;
    let transformer = Plugin::open(&dir, "component2")?;
    println!("Loaded plugin {} {}", processor.name, processor.version);
    println!("Loaded plugin {} {}", transformer.name, transformer.version);

    run_pipeline(&processor, &transformer, input)?;
    Ok(())
}

/// `--input N` sets the pipeline's input; without it, the input is 42.
fn input_from_args() -> Result<i32, String> {
    let args: Vec<String> = std::env::args().skip(1).collect(); // skip the program's own path
    // `[flag, value] if ...`: exactly two arguments, and the `if` adds a test.
    match args.as_slice() {
        [] => Ok(42),
        [flag, value] if flag == "--input" => value
            .parse()
            .map_err(|_| format!("--input needs a whole number that fits in an i32, not {value}")),
        _ => Err("usage: app [--input N]".to_string()),
    }
}
