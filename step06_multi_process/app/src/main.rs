//! Step 06: the app starts each component's service as a child process, and runs the pipeline
//! through them. `cargo run` from `step06_multi_process/`.

use std::error::Error;
use std::process::ExitCode;

use app::child::ServiceProcess;
use app::locate;
use app::pipeline::run_pipeline;

fn main() -> ExitCode {
    println!("\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE; // exit status 1
    }
    println!("\nExecution complete");
    ExitCode::SUCCESS
}

/// `Box<dyn Error>`: any error; `?` turns a `CallError` or a `String` into one.
fn run() -> Result<(), Box<dyn Error>> {
    // The app's folder (`target/debug/`), where service1 and service2 are; `cargo run` builds them.
    let dir = locate::service_dir()?;
    let service1 = ServiceProcess::start(&dir, "service1")?;
    let service2 = ServiceProcess::start(&dir, "service2")?;
    run_pipeline(&service1, &service2, 42)?;
    Ok(())
    // Here, or at an earlier `?`, each `ServiceProcess` made so far is dropped: it stops its child.
}
