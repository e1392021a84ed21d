//! Step 06: the components as supervised child processes.
//!
//! The app starts `service1` and `service2`, says hello to each, and runs the pipeline of step 04
//! through them: every call is now a JSON line written to a child's stdin and a reply read from its
//! stdout. A child that dies, hangs or garbles its reply is restarted and the request retried; when
//! the app ends, however it ends, its children are stopped and reaped.
//!
//! Run it with `cargo run` from `step06_multi_process/` (the app then builds the services itself,
//! see `locate.rs`); `cargo run -- --help` lists the options, for example
//! `cargo run -- --repeat 1000` for a latency summary.

use std::env;
use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use app::child_components::{ChildProcessor, ChildTransformer};
use app::cli::{self, Command};
use app::locate::{self, DirSource};
use app::pipeline::{self, PipelineError, run_pipeline};
use app::supervisor::{RestartPolicy, ServiceSpec, SupervisedService, SupervisorError};
use app::{interrupt, log};

/// How `run` failed, which decides the exit status.
enum AppError {
    /// The command line is wrong.
    Usage(String),
    /// Something failed; the message says what, where, and what to do.
    Failed(String),
    /// Ctrl-C (or SIGTERM): not a failure, but not a success either.
    Interrupted,
}

fn main() -> ExitCode {
    let outcome = run();
    // Every child was stopped and reaped when `run` returned (the supervisors were dropped), so
    // the last line the reader sees is the outcome.
    let mut stderr = io::stderr();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(AppError::Usage(message)) => {
            let _ = writeln!(
                stderr,
                "error: {message}\nRun `app --help` for the options."
            );
            ExitCode::FAILURE
        }
        Err(AppError::Failed(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            ExitCode::FAILURE
        }
        Err(AppError::Interrupted) => {
            log(format_args!("interrupted: the services were stopped"));
            ExitCode::from(130)
        }
    }
}

fn run() -> Result<(), AppError> {
    let options = match cli::parse(env::args().skip(1)).map_err(AppError::Usage)? {
        Command::Help => {
            println!("{}", cli::USAGE);
            return Ok(());
        }
        Command::Run(options) => options,
    };
    interrupt::install()
        .map_err(|error| AppError::Failed(format!("cannot install the Ctrl-C handler: {error}")))?;

    let (dir, source) =
        locate::service_dir(options.service_dir.clone()).map_err(AppError::Failed)?;
    if source == DirSource::NextToApp
        && let Some((cargo, manifest_dir)) = locate::started_by_cargo()
    {
        log(format_args!(
            "started by Cargo: building the services first (`cargo build -p service1 -p service2`)"
        ));
        locate::build_services(&cargo, &manifest_dir, &dir).map_err(AppError::Failed)?;
    }

    let policy = RestartPolicy {
        timeout: options.timeout,
        max_restarts: options.max_restarts,
        first_backoff: Duration::from_millis(100),
    };
    // With --repeat, the services' per-request log lines would cost more than the work.
    let quiet = options.repeat.is_some();
    let start = |name| {
        let spec = ServiceSpec {
            name,
            program: locate::executable(&dir, name),
            quiet,
        };
        SupervisedService::start(spec, policy).map_err(|error| match error {
            SupervisorError::Interrupted => AppError::Interrupted,
            error => AppError::Failed(error.to_string()),
        })
    };
    let processor = ChildProcessor::new(start("service1")?);
    let transformer = ChildTransformer::new(start("service2")?);

    let failed = |error: PipelineError| match error {
        _ if interrupt::requested() => AppError::Interrupted,
        PipelineError::Output(error) => {
            AppError::Failed(format!("cannot write to stdout: {error}"))
        }
        PipelineError::Component(error) => AppError::Failed(format!(
            "the pipeline failed for input {}: {error}",
            options.input
        )),
    };
    let mut out = io::stdout().lock();
    match options.repeat {
        Some(times) => {
            let restarts = || processor.service().restarts() + transformer.service().restarts();
            let (mut summary, failure) = pipeline::repeat(
                &processor,
                &transformer,
                options.input,
                options.warmup,
                times,
                restarts,
            );
            if interrupt::requested() {
                // Like `ping` on Ctrl-C: report what was done; the interrupted pipeline did not
                // fail, it was never finished.
                summary.requests -= summary.failed;
                summary.failed = 0;
            }
            writeln!(out, "{summary}")
                .and_then(|()| out.flush())
                .map_err(|error| failed(error.into()))?;
            failure.map_or(Ok(()), |error| Err(failed(error)))
        }
        None => {
            let print_header = |out: &mut dyn Write| -> io::Result<()> {
                writeln!(
                    out,
                    "\n\nPhase 06: Multi-Process Application (1 app + 2 child processes)\n"
                )?;
                for (label, service) in [
                    ("Component1", processor.service()),
                    ("Component2", transformer.service()),
                ] {
                    let version = service
                        .identity()
                        .map_or_else(|| "unknown".to_string(), |identity| identity.version);
                    writeln!(
                        out,
                        "{label} version: {version} (reported by {})",
                        service.name()
                    )?;
                }
                Ok(())
            };
            print_header(&mut out).map_err(|error| failed(error.into()))?;
            run_pipeline(&processor, &transformer, options.input, &mut out).map_err(failed)?;
            writeln!(out, "\nExecution complete").map_err(|error| failed(error.into()))
        }
    }
}
