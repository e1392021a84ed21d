//! Step 06: the app starts `service1` and `service2` as child processes and runs the pipeline of
//! step 04 through them. `cargo run -- --help` lists the options.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use app::child::{ChildProcessor, ChildTransformer};
use app::cli::Cli;
use app::pipeline::run_pipeline;
use app::supervisor::{Policy, Supervised};
use app::{interrupt, locate, log, repeat};

fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    // When `run` returns, its services have been stopped and reaped: this line comes last.
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) if interrupt::requested() => {
            log(format_args!("interrupted: the services were stopped"));
            ExitCode::from(130)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    interrupt::install().context("cannot install the Ctrl-C handler")?;
    let dir = locate::service_dir(cli.service_dir.as_deref())?;
    let policy = Policy {
        timeout: Duration::from_millis(cli.timeout_ms),
        max_restarts: cli.max_restarts,
    };
    // Under --repeat, a log line per request would cost more than the work.
    let quiet = cli.measure.repeat.is_some();

    // Start both services; each says hello and reports its component's version.
    let service1 = Supervised::start("service1", &dir, quiet, policy)?;
    let service2 = Supervised::start("service2", &dir, quiet, policy)?;
    let processor = ChildProcessor(service1);
    let transformer = ChildTransformer(service2);
    // Nothing below stops them: both are dropped when `run` returns, in reverse order (service2
    // first), and each one's `Drop` stops and reaps its process.

    if let Some(args) = cli.measure.run_args() {
        return repeat::run(args, &processor, &transformer, cli.input);
    }

    let mut out = io::stdout().lock();
    writeln!(
        out,
        "\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)\n"
    )?;
    let version1 = processor.0.version();
    writeln!(out, "Component1 version: {version1} (reported by service1)")?;
    let version2 = transformer.0.version();
    writeln!(out, "Component2 version: {version2} (reported by service2)")?;

    run_pipeline(&processor, &transformer, cli.input, &mut out)
        .with_context(|| format!("the pipeline failed for input {}", cli.input))?;
    writeln!(out, "\nExecution complete")?;
    Ok(())
}
