use std::error::Error;
use std::process::ExitCode;

use app::child::ServiceProcess;
use app::{locate, pipeline};

fn main() -> ExitCode {
    println!("\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)");
    if let Err(error) = run() {
        eprintln!("error: {error}");
        return ExitCode::FAILURE; // exit status 1
    }
    println!("\nExecution complete");
    ExitCode::SUCCESS
}

// `Box<dyn Error>`: any error, so `?` takes a `CallError` or `service_dir`'s `String`.
fn run() -> Result<(), Box<dyn Error>> {
    let dir = locate::service_dir()?; // where the services are (`cargo run`: built first)
    let service1 = ServiceProcess::start(&dir, "service1")?;
    let service2 = ServiceProcess::start(&dir, "service2")?;
    pipeline::run_pipeline(&service1, &service2, 42)?;
    Ok(()) // here, or at a failed `?`, each `ServiceProcess` is dropped: it kills its child
}
