//! The hardened app of step 06: the lesson's app, with each child supervised (restarted with
//! backoff, the request sent again) and `--repeat`/`--warmup` for `cargo xtask bench` and
//! `cargo xtask faults`. Run it with `cargo run -p hardened -- --help` from
//! `step06_multi_process/`.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use app::locate;
use app::pipeline::{self, CallError, Processor, Transformer, run_pipeline};
use clap::Parser;
use hardened::Supervised;
use hardened::watchdog::WatchedProcess;

/// Runs the pipeline through two supervised child processes, service1 and service2.
#[derive(Parser, Debug)]
#[command(name = "hardened")]
struct Cli {
    /// The value to process
    #[arg(
        long,
        value_name = "N",
        default_value_t = 42,
        allow_negative_numbers = true
    )]
    input: i32,

    #[command(flatten)]
    measure: measure::RepeatArgs,

    /// Where service1 and service2 are (default: next to this program, built first when Cargo
    /// started it)
    #[arg(long, env = "SERVICE_DIR", value_name = "DIR")]
    service_dir: Option<PathBuf>,

    /// How long a service may take to answer before it is restarted
    #[arg(long, value_name = "MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    timeout_ms: u64,

    /// Restarts allowed for one request before giving up
    #[arg(long, value_name = "N", default_value_t = 3)]
    max_restarts: u32,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => error.exit(), // --help, --version
        Err(error) => {
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::FAILURE;
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), Box<dyn std::error::Error>> {
    // Next to this program by default, like the lesson; `--service-dir` points elsewhere.
    let dir = match &cli.service_dir {
        Some(dir) => dir.clone(),
        None => locate::service_dir()?,
    };
    let timeout = Duration::from_millis(cli.timeout_ms);
    let dir2 = dir.clone();
    let start1 = move || WatchedProcess::start(&dir, "service1", timeout);
    let start2 = move || WatchedProcess::start(&dir2, "service2", timeout);

    let service1 = start1()?;
    let service2 = start2()?;
    let processor = Supervised::new("service1", service1, cli.max_restarts, start1);
    let transformer = Supervised::new("service2", service2, cli.max_restarts, start2);

    let Some(args) = cli.measure.run_args() else {
        println!("\n\nPhase 06 hardened: supervised child processes");
        run_pipeline(&processor, &transformer, cli.input)?;
        println!("\nExecution complete");
        return Ok(());
    };
    let (summary, failure) = measure::repeat(args, |_| {
        quiet_pipeline(&processor, &transformer, cli.input)
    });
    let restarts = processor.restarts() + transformer.restarts();
    println!("{}", summary.with("restarts", restarts));
    match failure {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// `run_pipeline` without its printing, which would cost more than the work: the same calls, in
/// the same order, with the same checks.
fn quiet_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
) -> Result<(), CallError> {
    let data1 = processor.process(input)?;
    black_box(pipeline::validate(&data1));
    let data2 = transformer.transform(data1.value)?;
    black_box(pipeline::analyze(&data2));
    Ok(())
}
