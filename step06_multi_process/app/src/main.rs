//! Step 06: the app starts each component's service as a child process, and runs step 05's
//! pipeline through them. `cargo run` from `step06_multi_process/`.

use std::error::Error;
use std::process::ExitCode;

use app::child::{ChildProcessor, ChildTransformer, ServiceProcess};
use app::locate;
use app::pipeline::run_pipeline;

fn main() -> ExitCode {
    println!("\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)\n");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    println!("\nExecution complete");
    ExitCode::SUCCESS
}

/// `Box<dyn Error>`: any error; `?` turns a `CallError` or a `String` into one.
fn run() -> Result<(), Box<dyn Error>> {
    let input = input_from_args()?;
    // `target/debug/`. `cargo run` builds only the app, so under `cargo run` this first has Cargo
    // build the services: an edited component never runs stale.
    let dir = locate::service_dir()?;
    let (service1, version1) = ServiceProcess::start(&dir, "service1")?;
    let (service2, version2) = ServiceProcess::start(&dir, "service2")?;
    println!("Component1 version: {version1} (reported by service1)");
    println!("Component2 version: {version2} (reported by service2)");

    let processor = ChildProcessor(service1);
    let transformer = ChildTransformer(service2);
    run_pipeline(&processor, &transformer, input)?;
    Ok(())
    // Here, or at an earlier `?`, each `ServiceProcess` made so far is dropped: it stops its child.
}

/// `--input N` sets the input, else 42. `[flag, value] if ...`: two arguments, when `...` holds.
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
