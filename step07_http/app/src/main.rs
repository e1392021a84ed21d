//! Step 07: HTTP microservices. The components run in their own processes, behind HTTP (axum),
//! and the app is their client (reqwest).
//!
//! `main` reads where the services are (`SERVICE1_URL`, `SERVICE2_URL`), starts the ones that
//! have no URL as child processes, checks that each answers `/health`, then runs the same
//! `run_pipeline` as steps 03 to 05. This is the first step whose parts can live on different
//! machines: point the URLs elsewhere and nothing else changes.
//!
//! Run it with `cargo run` from `step07_http/` (one command: the app starts both services), or in
//! three terminals: `cargo run -p service1`, `cargo run -p service2`, then
//! `SERVICE1_URL=http://127.0.0.1:3001 SERVICE2_URL=http://127.0.0.1:3002 cargo run -p app`.
//! Flags: `cargo run -- --help`.

use std::error::Error;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use app::child::{ChildService, binaries_dir, locate_or_build};
use app::cli::{self, Args, Command};
use app::http::{CallError, HttpProcessor, HttpService, HttpTransformer, build_client};
use app::pipeline::run_pipeline;
use app::repeat::{Plan, run_repeated};
use common::signal::stop_requested;

/// How long a service has to answer `/health` before the app gives up on it.
const HEALTH_WAIT: Duration = Duration::from_secs(5);

/// The two services: their name and the variable that says where each one is.
const SERVICES: [(&str, &str); 2] = [("service1", "SERVICE1_URL"), ("service2", "SERVICE2_URL")];

#[tokio::main]
async fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("app: {error}");
            return ExitCode::FAILURE;
        }
    };

    // Whichever finishes first wins. On Ctrl-C or SIGTERM, `run` is dropped mid-flight, and
    // dropping it drops the `ChildService`s inside, which stops the services this app started.
    tokio::select! {
        result = run(args) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("app: {error}");
                ExitCode::FAILURE
            }
        },
        signal = stop_requested() => {
            eprintln!("app: {signal} received; stopping, and stopping the services it started");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn Error>> {
    println!("\n\nPhase 07: HTTP Microservices (1 app + 2 services)\n");

    // `--repeat` is a measurement: no per-request log lines from the services we start.
    let measuring = args.repeat.is_some();
    let client = build_client(args.request_timeout)
        .map_err(|error| format!("cannot set up the HTTP client: {error}"))?;

    // Where each service is: its URL, or a child process started here.
    let mut urls = Vec::new();
    let mut children = Vec::new();
    let mut missing = Vec::new();
    for (name, variable) in SERVICES {
        match url_from_env(variable)? {
            Some(url) => urls.push(url),
            None => {
                urls.push(String::new());
                missing.push(name);
            }
        }
    }
    if !missing.is_empty() {
        let dir = binaries_dir()?;
        let names = missing.clone();
        // Cargo may run for minutes: keep it off the async worker threads.
        let binaries = tokio::task::spawn_blocking(move || locate_or_build(&dir, &names)).await??;
        for (name, binary) in missing.iter().zip(&binaries) {
            let log = if measuring { "off" } else { "on" };
            let child =
                ChildService::start(name, binary, &[("REQUEST_LOG", log)], Stdio::inherit())
                    .await?;
            let (index, variable) = service_index(name);
            println!("Started {name} as a child process ({variable} is not set)");
            urls[index] = child.url().to_string();
            children.push(child);
        }
    }

    let [service1, service2] = [0, 1].map(|index| {
        let (name, _) = SERVICES[index];
        HttpService::new(client.clone(), name, &urls[index], args.request_timeout)
    });
    for service in [&service1, &service2] {
        let health = wait_until_healthy(service).await?;
        let title = capitalized(service.name());
        println!(
            "{title}: {} {} at {}",
            health.name,
            health.version,
            service.base_url()
        );
    }
    let processor = HttpProcessor { service: service1 };
    let transformer = HttpTransformer { service: service2 };

    // One id per pipeline, sent to both services: grep the three logs for it to follow one run.
    let id_prefix = format!("app-{}", std::process::id());
    match args.repeat {
        None => {
            let request_id = format!("{id_prefix}-1");
            let started = Instant::now();
            let result = run_pipeline(&processor, &transformer, args.input, &request_id).await;
            // The app's own log line, on stderr like the services' ones: the id joins the three.
            let outcome = if result.is_ok() { "ok" } else { "failed" };
            let took = started.elapsed().as_micros();
            eprintln!(
                "app id={request_id} pipeline input={} -> {outcome} in {took} us",
                args.input
            );
            result?.print();
            if !children.is_empty() {
                let names: Vec<_> = children.iter().map(ChildService::name).collect();
                children.into_iter().for_each(ChildService::stop);
                println!("\nStopped {}", names.join(" and "));
            }
            println!("\nExecution complete");
        }
        Some(repeat) => {
            let plan = Plan {
                repeat,
                warmup: args.warmup,
                concurrency: args.concurrency,
            };
            let (summary, error) =
                run_repeated(processor, transformer, args.input, plan, &id_prefix).await;
            children.into_iter().for_each(ChildService::stop);
            println!("{summary}");
            if let Some(error) = error {
                return Err(error.into());
            }
        }
    }
    Ok(())
}

/// The URL in `variable`, checked; `None` when it is unset or empty.
fn url_from_env(variable: &str) -> Result<Option<String>, String> {
    let Some(value) = std::env::var_os(variable) else {
        return Ok(None);
    };
    let value = value
        .into_string()
        .map_err(|raw| format!("{variable}={raw:?} is not valid text"))?;
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let url = reqwest::Url::parse(value).map_err(|error| {
        format!("{variable}={value:?} is not a URL ({error}); expected e.g. http://127.0.0.1:3001")
    })?;
    if url.scheme() != "http" {
        return Err(format!(
            "{variable}={value:?}: only http:// URLs work here (this app is built without TLS)"
        ));
    }
    Ok(Some(value.to_string()))
}

fn service_index(name: &str) -> (usize, &'static str) {
    let index = SERVICES
        .iter()
        .position(|(known, _)| *known == name)
        .unwrap_or(0);
    (index, SERVICES[index].1)
}

/// Asks `/health` until the service answers (it may still be starting), for up to
/// [`HEALTH_WAIT`]; checks that the service at that URL is the one we expect.
async fn wait_until_healthy(service: &HttpService) -> Result<common::Health, Box<dyn Error>> {
    let deadline = tokio::time::Instant::now() + HEALTH_WAIT;
    loop {
        match service.health().await {
            Ok(health) if health.name == service.name() => return Ok(health),
            Ok(health) => {
                return Err(format!(
                    "{} at {} says it is {:?}: check {}",
                    service.name(),
                    service.base_url(),
                    health.name,
                    service_index(service.name()).1
                )
                .into());
            }
            Err(error) if tokio::time::Instant::now() >= deadline => {
                return Err(waited(error).into());
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn waited(error: CallError) -> String {
    format!("{error} (tried for {} s)", HEALTH_WAIT.as_secs())
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
