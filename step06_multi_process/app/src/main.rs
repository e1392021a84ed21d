//! Step 06: each component runs in a child process of its own. The app starts `service1` and
//! `service2`, and runs step 04's pipeline through them: one line of JSON into a child's stdin,
//! one line back from its stdout. Run it with `cargo run` from `step06_multi_process/`.

use std::process::ExitCode;

use app::child::{ChildProcessor, ChildTransformer, ServiceProcess, TIMEOUT};
use app::locate;
use app::pipeline::run_pipeline;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo run -- 2147483647` tries another input.
    let input: i32 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| format!("{arg:?} is not an i32"))?,
        None => 42,
    };
    println!("\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)\n");

    locate::build_services_if_run_by_cargo()?;
    let path1 = locate::service_path("service1")?;
    let (service1, version1) = ServiceProcess::start("service1", &path1, TIMEOUT)?;
    let path2 = locate::service_path("service2")?;
    let (service2, version2) = ServiceProcess::start("service2", &path2, TIMEOUT)?;
    println!("Component1 version: {version1} (reported by service1)");
    println!("Component2 version: {version2} (reported by service2)");

    let processor = ChildProcessor(service1);
    let transformer = ChildTransformer(service2);
    run_pipeline(&processor, &transformer, input)?;

    println!("\nExecution complete");
    Ok(())
    // Here, or at any `?` above, what was started is dropped: each `Drop` stops its child.
}
