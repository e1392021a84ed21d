//! Step 08: the components are workers behind RabbitMQ; the app publishes requests and waits
//! for replies.
//!
//! The broker decouples the parts in time (a request waits in a durable queue until a worker is
//! up) and in number (start three `service1` workers and they share the `process` queue). The
//! pipeline itself, `run_pipeline`, is the one of steps 05-07: it only knows the `Processor` and
//! `Transformer` contract, here implemented by `BrokerProcessor` and `BrokerTransformer`.
//!
//! Run it with `cargo run` from `step08_broker/` (RabbitMQ must be up at `AMQP_ADDR`, default
//! `amqp://127.0.0.1:5672/%2f`): the app starts one worker of each kind itself. To use workers
//! that run elsewhere, start them (`cargo run -p service1`, `cargo run -p service2`) and run
//! `cargo run -p app -- --workers external`.
//!
//! # Layout
//!
//! - `main.rs` (this file): the command line, and the `--repeat` loop.
//! - `pipeline.rs`: the `Processor` / `Transformer` contract and `run_pipeline`, as in step 07.
//! - `rpc.rs`: request/reply over RabbitMQ, and the broker-backed processor and transformer.
//! - `local_workers.rs`: the child workers started when `--workers local` (the default).
//! - `summary.rs`: latency percentiles and the `summary:` line.

mod local_workers;
mod pipeline;
mod rpc;
mod summary;

use common::connect::BrokerConfig;
use common::queues::WorkQueue;
use common::shutdown;
use local_workers::LocalWorkers;
use pipeline::run_pipeline;
use rpc::{BrokerProcessor, BrokerTransformer, RpcClient};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use summary::Summary;

const USAGE: &str = "usage: app [--input N] [--repeat N] [--warmup N] [--concurrency C] \
                     [--timeout SECONDS] [--workers local|external] [--service1-workers N]
  --input N          the value to process (default 42)
  --repeat N         run the pipeline N times without chatter and print a summary: line
  --warmup N         with --repeat, first run N pipelines that are not measured (default 0)
  --concurrency C    with --repeat, keep C pipelines in flight at once (default 1)
  --timeout SECONDS  how long one request may wait for its reply (default 30)
  --workers local    start one service1 and one service2 as child processes (the default)
  --workers external use workers that run elsewhere (also: env WORKERS=external)
  --service1-workers N  with local workers, start N service1 workers instead of one
environment: AMQP_ADDR (default amqp://127.0.0.1:5672/%2f), QUEUE_PREFIX, AMQP_CONNECT_TIMEOUT_SECS;
WORK_MS=N makes each service1 worker spend N ms per message (simulated work)";

/// Where the workers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Workers {
    /// The app starts them as its children, next to its own executable.
    Local,
    /// They run elsewhere (other terminals, containers); the app only talks to the broker.
    External,
}

#[derive(Debug, Clone, PartialEq)]
struct Args {
    input: i32,
    repeat: Option<usize>,
    /// Pipelines run before the measured ones (connections warm, queues created, code paged in).
    warmup: usize,
    concurrency: usize,
    timeout: Duration,
    workers: Workers,
    /// How many `service1` workers to start in local mode: the stage the scaling demo scales.
    service1_workers: usize,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("app: {error}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("app: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("app: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let config = BrokerConfig::from_env()?;
    println!(
        "\n\nPhase 08: Distributed Application with a Message Broker (app + RabbitMQ + 2 workers)"
    );

    // Connect first: if RabbitMQ is unreachable, the app alone says so, in one line.
    let client = Arc::new(RpcClient::connect(&config, args.timeout).await?);
    let mut workers = match args.workers {
        Workers::Local => Some(LocalWorkers::start(
            args.repeat.is_some(),
            args.service1_workers,
        )?),
        Workers::External => None,
    };
    match workers.as_mut() {
        Some(workers) => wait_for_local_workers(&client, workers, args.service1_workers).await?,
        None => say_if_no_worker(&client).await?,
    }

    let processor = BrokerProcessor {
        client: client.clone(),
        chatter: args.repeat.is_none(),
    };
    let transformer = BrokerTransformer {
        client: client.clone(),
        chatter: args.repeat.is_none(),
    };
    // One id per pipeline, carried in the correlation ids of its two calls: grep the workers'
    // logs for it to follow one run.
    let id_prefix = format!("app-{}", std::process::id());
    let work = async {
        match args.repeat {
            None => {
                let request_id = format!("{id_prefix}-1");
                let mut stdout = std::io::stdout();
                run_pipeline(
                    &processor,
                    &transformer,
                    args.input,
                    &request_id,
                    &mut stdout,
                )
                .await
                .map(|()| None)
                .map_err(|e| e.to_string())
            }
            Some(count) => {
                run_repeated(&processor, &transformer, &args, count, &client, &id_prefix)
                    .await
                    .map(Some)
            }
        }
    };
    let result = tokio::select! {
        result = work => result,
        reason = shutdown::requested(false) => {
            Err(format!("{reason}: stopped before the pipeline finished"))
        }
    };

    client.close().await;
    if let Some(workers) = workers {
        workers.stop();
    }
    let summary = result?;
    println!("\nExecution complete");
    // `--repeat` ends stdout with the summary line, for tools that read the last line.
    if let Some(summary) = summary {
        println!("{}", summary.line());
    }
    Ok(())
}

/// `--repeat N`: first `--warmup` pipelines that are not measured, then N pipelines, C at a
/// time, each one timed. Request ids are `<id_prefix>-<n>`, n from 1 (`<id_prefix>-warmup-<n>`
/// for the warm-up). If any measured pipeline failed, the summary line is printed here, before
/// the error, so a failed run still reports what it measured.
async fn run_repeated(
    processor: &BrokerProcessor,
    transformer: &BrokerTransformer,
    args: &Args,
    count: usize,
    client: &RpcClient,
    id_prefix: &str,
) -> Result<Summary, String> {
    if args.warmup > 0 {
        let warmup_prefix = format!("{id_prefix}-warmup");
        let (_, errors) =
            run_lanes(processor, transformer, args, args.warmup, &warmup_prefix).await?;
        if let Some(first) = errors.first() {
            return Err(format!(
                "{} of {} warm-up pipelines failed; the first error: {first}",
                errors.len(),
                args.warmup
            ));
        }
    }
    // The summary reports what happened while measuring: replies dropped during the warm-up
    // (late ones, or duplicates after a redelivery) are not counted.
    let dropped_before = client.dropped_replies();
    let started = Instant::now();
    let (latencies, errors) = run_lanes(processor, transformer, args, count, id_prefix).await?;
    let mut summary = Summary::new(count);
    summary.elapsed = started.elapsed();
    summary.latencies = latencies;
    summary.errors = errors;
    summary.dropped_replies = client.dropped_replies().saturating_sub(dropped_before);
    match summary.errors.first() {
        None => Ok(summary),
        Some(first) => {
            println!("{}", summary.line());
            Err(format!(
                "{} of {count} pipelines failed; the first error: {first}",
                summary.errors.len()
            ))
        }
    }
}

/// Runs `count` pipelines in `--concurrency` tasks (lanes), each taking the next pipeline
/// number until none is left. Returns the latency of each one that succeeded and the error of
/// each one that failed.
async fn run_lanes(
    processor: &BrokerProcessor,
    transformer: &BrokerTransformer,
    args: &Args,
    count: usize,
    id_prefix: &str,
) -> Result<(Vec<Duration>, Vec<String>), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut lanes = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency.min(count) {
        let (processor, transformer, next) = (processor.clone(), transformer.clone(), next.clone());
        let input = args.input;
        let id_prefix = id_prefix.to_string();
        lanes.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            loop {
                let number = next.fetch_add(1, Ordering::Relaxed);
                if number >= count {
                    break;
                }
                let request_id = format!("{id_prefix}-{}", number + 1);
                let one = Instant::now();
                let mut sink = std::io::sink();
                match run_pipeline(&processor, &transformer, input, &request_id, &mut sink).await {
                    Ok(()) => latencies.push(one.elapsed()),
                    Err(error) => errors.push(error.to_string()),
                }
            }
            (latencies, errors)
        });
    }
    let (mut latencies, mut errors) = (Vec::with_capacity(count), Vec::new());
    while let Some(lane) = lanes.join_next().await {
        let (lane_latencies, lane_errors) =
            lane.map_err(|e| format!("a pipeline task failed: {e}"))?;
        latencies.extend(lane_latencies);
        errors.extend(lane_errors);
    }
    Ok((latencies, errors))
}

/// Local mode: wait (bounded) until every local worker consumes, failing early if one dies.
///
/// With `--service1-workers 4`, measuring before the fourth one is up would measure three.
async fn wait_for_local_workers(
    client: &RpcClient,
    workers: &mut LocalWorkers,
    service1_workers: usize,
) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        workers.check_alive()?;
        let process = client.consumer_count(WorkQueue::Process).await?;
        let transform = client.consumer_count(WorkQueue::Transform).await?;
        if process as usize >= service1_workers && transform > 0 {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err("the local workers did not start consuming within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// External mode: a request waits in its queue until a worker takes it, so an absent worker is
/// not an error, but the reader should know why nothing happens yet.
async fn say_if_no_worker(client: &RpcClient) -> Result<(), String> {
    for (queue, package) in [
        (WorkQueue::Process, "service1"),
        (WorkQueue::Transform, "service2"),
    ] {
        if client.consumer_count(queue).await? == 0 {
            eprintln!(
                "[app] no worker consumes \"{}\" yet: waiting for one (start it with \
                 `cargo run -p {package}`); requests wait in the queue meanwhile",
                client.queue_name(queue)
            );
        }
    }
    Ok(())
}

/// Reads the command line. `Ok(None)` means `--help`.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        input: 42,
        repeat: None,
        warmup: 0,
        concurrency: 1,
        timeout: Duration::from_secs(30),
        workers: match std::env::var("WORKERS").as_deref() {
            Ok("external") => Workers::External,
            Ok("local") | Err(_) => Workers::Local,
            Ok(other) => return Err(format!("WORKERS={other:?}: expected local or external")),
        },
        service1_workers: 1,
    };
    let mut service1_workers_given = false;
    let mut args = args;
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--input" => parsed.input = number(&flag, &value()?)?,
            "--repeat" => parsed.repeat = Some(positive(&flag, &value()?)?),
            "--warmup" => parsed.warmup = number(&flag, &value()?)?,
            "--concurrency" => parsed.concurrency = positive(&flag, &value()?)?,
            "--timeout" => parsed.timeout = Duration::from_secs(positive(&flag, &value()?)? as u64),
            "--workers" => {
                parsed.workers = match value()?.as_str() {
                    "local" => Workers::Local,
                    "external" => Workers::External,
                    other => {
                        return Err(format!("--workers {other:?}: expected local or external"));
                    }
                }
            }
            "--service1-workers" => {
                parsed.service1_workers = positive(&flag, &value()?)?;
                service1_workers_given = true;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if parsed.warmup > 0 && parsed.repeat.is_none() {
        return Err("--warmup only applies to --repeat runs: add --repeat N".into());
    }
    if service1_workers_given && parsed.workers == Workers::External {
        return Err(
            "--service1-workers starts local workers, so it cannot go with external \
                    workers: start more `cargo run -p service1` instead"
                .into(),
        );
    }
    Ok(Some(parsed))
}

fn number<N: std::str::FromStr>(flag: &str, text: &str) -> Result<N, String> {
    text.parse()
        .map_err(|_| format!("{flag} expects an integer, got {text:?}"))
}

fn positive(flag: &str, text: &str) -> Result<usize, String> {
    match number::<usize>(flag, text)? {
        0 => Err(format!("{flag} must be at least 1")),
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn no_arguments_mean_one_pipeline_on_42_with_local_workers() {
        let args = parse(&[]).unwrap().unwrap();
        assert_eq!(args.input, 42);
        assert_eq!(args.repeat, None);
        assert_eq!(args.warmup, 0);
        assert_eq!(args.concurrency, 1);
        assert_eq!(args.timeout, Duration::from_secs(30));
        assert_eq!(args.service1_workers, 1);
    }

    #[test]
    fn every_flag_is_read() {
        let args = parse(&[
            "--input",
            "-5",
            "--repeat",
            "500",
            "--warmup",
            "50",
            "--concurrency",
            "20",
            "--timeout",
            "3",
            "--workers",
            "local",
            "--service1-workers",
            "4",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            args,
            Args {
                input: -5,
                repeat: Some(500),
                warmup: 50,
                concurrency: 20,
                timeout: Duration::from_secs(3),
                workers: Workers::Local,
                service1_workers: 4,
            }
        );
        let external = parse(&["--workers", "external"]).unwrap().unwrap();
        assert_eq!(external.workers, Workers::External);
    }

    #[test]
    fn a_warmup_is_read_with_repeat_and_may_be_zero() {
        let args = parse(&["--repeat", "10", "--warmup", "3"])
            .unwrap()
            .unwrap();
        assert_eq!((args.repeat, args.warmup), (Some(10), 3));
        let args = parse(&["--warmup", "0", "--repeat", "10"])
            .unwrap()
            .unwrap();
        assert_eq!(args.warmup, 0);
    }

    #[test]
    fn bad_arguments_are_refused_with_the_flag_named() {
        for (args, needle) in [
            (&["--input", "x"][..], "--input expects an integer"),
            (&["--input", "2147483648"][..], "--input expects an integer"),
            (&["--repeat", "0"][..], "--repeat must be at least 1"),
            (&["--concurrency"][..], "--concurrency needs a value"),
            (
                &["--warmup", "-1", "--repeat", "5"][..],
                "--warmup expects an integer",
            ),
            (
                &["--warmup", "5"][..],
                "--warmup only applies to --repeat runs",
            ),
            (
                &["--service1-workers", "0"][..],
                "--service1-workers must be at least 1",
            ),
            (
                &["--workers", "external", "--service1-workers", "2"][..],
                "--service1-workers starts local workers",
            ),
            (
                &["--service1-workers", "2", "--workers", "external"][..],
                "--service1-workers starts local workers",
            ),
            (&["--workers", "remote"][..], "--workers \"remote\""),
            (&["--verbose"][..], "unknown argument \"--verbose\""),
        ] {
            let error = parse(args).unwrap_err();
            assert!(error.contains(needle), "{args:?}: {error}");
        }
    }
}
