//! The worker loop shared by `service1` and `service2`: take a request, compute, reply, ack.
//!
//! The order of those last two steps is the whole guarantee. A worker acknowledges a request
//! only after the broker has confirmed it holds the reply. If the worker dies anywhere before
//! that ack (crash, `kill -9`, a lost connection), the broker still holds the request and
//! delivers it again, to this worker once it is back or to another one: nothing is lost. The
//! price is that a request can be processed twice (the reply went out, the ack did not), which
//! is why the app drops a second reply for a request it already has an answer to. That is
//! at-least-once delivery.
//!
//! A message that can never be processed (not JSON, wrong shape, no `reply_to`) is rejected
//! without requeueing: its queue's dead-letter exchange moves it to `dead_letters`, where a human
//! can look at it, instead of it bouncing between workers forever.
//!
//! If the connection drops while the worker runs (a broker restart looks exactly like that), the
//! loop connects again and declares its queues again before consuming: a restarted broker may
//! have lost non-durable state, and lapin 4's own automatic recovery does not reliably restore a
//! consumer after a broker restart (see the step README), so this loop does it by hand.

/// `eprintln!` in one piece: formats the whole line first, then writes it to stderr with a single
/// `write`. The local workers of one app share its stderr, and `eprintln!` writes a line in several
/// pieces, so another worker's line could land in the middle of it. A pipe takes a write of up to
/// `PIPE_BUF` bytes (at least 512) whole. A closed stderr is no reason for a worker to stop.
macro_rules! log_line {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }};
}

use crate::connect::{self, BrokerConfig};
use crate::queues::{self, WorkQueue};
use crate::shutdown::{self, StopReason};
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicCancelOptions, BasicConsumeOptions, BasicNackOptions,
    BasicPublishOptions, BasicQosOptions, BasicRejectOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection};
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;
use tokio_stream::StreamExt;

/// Environment variable: how many unacknowledged messages the broker may hand this worker at
/// once. Without a limit, one worker would take the whole queue and the others would idle.
pub const PREFETCH_ENV: &str = "PREFETCH";
const DEFAULT_PREFETCH: u16 = 10;
/// Environment variable: `quiet` turns off the one log line per message (for long benchmarks).
pub const WORKER_LOG_ENV: &str = "WORKER_LOG";
/// Environment variable: simulated work time per message, in milliseconds (default 0). It makes
/// the broker's load sharing visible: with real work to do, three workers finish a batch about
/// three times faster than one. Only `service1` reads it (see [`WorkerSpec::simulates_work`]).
pub const WORK_MS_ENV: &str = "WORK_MS";
/// Flag: stop when stdin reaches end of file (how the app stops the workers it started).
pub const STOP_WHEN_STDIN_CLOSES: &str = "--stop-when-stdin-closes";

/// Closing the channel and the connection must not hang the exit if the broker is gone.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a worker's business logic made of one request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Handled {
    /// The reply body to publish: a result, or `{"error": ...}` (an overflow is an answer too).
    Reply(Vec<u8>),
    /// The body can never be processed; the reason goes to the log, the message to `dead_letters`.
    Malformed(String),
}

/// What makes one worker binary different from the other.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSpec {
    /// The binary's name, used in logs and in the connection name.
    pub name: &'static str,
    pub version: &'static str,
    /// The queue this worker consumes.
    pub queue: WorkQueue,
    /// The business logic: request body in, reply body (or the reason it is malformed) out.
    pub handle: fn(&[u8]) -> Handled,
    /// Whether `WORK_MS` applies to this worker. Only `service1` says yes: the scaling
    /// experiment slows one stage and adds workers to that stage; if `service2` slept too (it
    /// inherits the app's environment when the app starts it), its single worker would become
    /// the bottleneck and adding `service1` workers would show no gain.
    pub simulates_work: bool,
}

/// The whole `main` of a worker binary: read the settings, run, and turn any error into one
/// line on stderr and exit status 1.
pub fn main(spec: WorkerSpec) -> ExitCode {
    let name = spec.name;
    let work_ms = if spec.simulates_work {
        format!("{WORK_MS_ENV} (default 0), ")
    } else {
        String::new()
    };
    let usage = format!(
        "usage: {name} [{STOP_WHEN_STDIN_CLOSES}]\n\
         settings come from the environment: AMQP_ADDR (default {}), QUEUE_PREFIX, \
         AMQP_CONNECT_TIMEOUT_SECS (default 30), {PREFETCH_ENV} (default {DEFAULT_PREFETCH}), \
         {work_ms}{WORKER_LOG_ENV}=quiet",
        connect::DEFAULT_AMQP_ADDR
    );
    let mut watch_stdin = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            STOP_WHEN_STDIN_CLOSES => watch_stdin = true,
            "-h" | "--help" => {
                println!(
                    "{name} {}: consumes the queue and replies\n{usage}",
                    spec.version
                );
                return ExitCode::SUCCESS;
            }
            other => {
                log_line!("{name}: unknown argument {other:?}\n{usage}");
                return ExitCode::FAILURE;
            }
        }
    }
    let settings = match Settings::from_env(spec, watch_stdin) {
        Ok(settings) => settings,
        Err(error) => {
            log_line!("{name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    // One thread is plenty: a worker handles one message at a time, on purpose (see `serve`).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            log_line!("{name}: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log_line!("{}: {error}", settings.id);
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    spec: WorkerSpec,
    config: BrokerConfig,
    prefetch: u16,
    work_time: Duration,
    log_each: bool,
    watch_stdin: bool,
    /// `service1-4242`, plus `@host` where the host name is known (in a container, the container
    /// id): tells apart the replicas of `docker compose up --scale service1=3` in the logs.
    id: String,
}

impl Settings {
    fn from_env(spec: WorkerSpec, watch_stdin: bool) -> Result<Self, String> {
        let prefetch = match std::env::var(PREFETCH_ENV) {
            Err(_) => DEFAULT_PREFETCH,
            Ok(text) => match text.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => {
                    return Err(format!(
                        "{PREFETCH_ENV}={text:?} must be a number from 1 to 65535"
                    ));
                }
            },
        };
        let work_time = work_time(
            spec.simulates_work,
            std::env::var(WORK_MS_ENV).ok().as_deref(),
        )?;
        let host = std::env::var("HOSTNAME")
            .map(|host| format!("@{host}"))
            .unwrap_or_default();
        Ok(Self {
            spec,
            config: BrokerConfig::from_env()?,
            prefetch,
            work_time,
            log_each: std::env::var(WORKER_LOG_ENV).as_deref() != Ok("quiet"),
            watch_stdin,
            id: format!("{}-{}{host}", spec.name, std::process::id()),
        })
    }
}

/// The simulated work time per message: `setting` is the value of `WORK_MS`, if set. A worker
/// that does not simulate work ignores it, even when it is set (and even when it is not a number).
fn work_time(simulates_work: bool, setting: Option<&str>) -> Result<Duration, String> {
    match setting {
        Some(text) if simulates_work => text
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("{WORK_MS_ENV}={text:?} is not a number of milliseconds")),
        _ => Ok(Duration::ZERO),
    }
}

/// Why `serve` returned.
enum Stopped {
    /// Asked to stop: the channel and connection are still open and must be closed.
    Requested(StopReason, Channel),
    /// The connection (or the channel) is gone: connect again.
    Lost(String),
}

async fn run(settings: &Settings) -> Result<(), String> {
    let mut stop: Pin<Box<dyn Future<Output = StopReason>>> =
        Box::pin(shutdown::requested(settings.watch_stdin));
    let queue = settings.config.queues.work_queue(settings.spec.queue);
    loop {
        let connection = tokio::select! {
            connection = connect::connect(&settings.config, &settings.id) => {
                connection.map_err(|e| e.to_string())?
            }
            reason = &mut stop => {
                log_line!("[{}] {reason} before RabbitMQ was reached; exiting", settings.id);
                return Ok(());
            }
        };
        match serve(settings, &connection, &mut stop).await {
            Ok(Stopped::Requested(reason, channel)) => {
                log_line!(
                    "[{}] {reason}: finished the current message, closing",
                    settings.id
                );
                close(&channel, &connection).await;
                return Ok(());
            }
            Ok(Stopped::Lost(cause)) => {
                // The connection may still be open (the broker only cancelled our consumer, as
                // when the queue was deleted): close it so reconnecting does not leak it.
                let _ = tokio::time::timeout(
                    CLOSE_TIMEOUT,
                    connection.close(200, "reconnecting".into()),
                )
                .await;
                log_line!(
                    "[{}] lost RabbitMQ ({cause}); reconnecting and declaring \"{queue}\" again",
                    settings.id
                );
            }
            Err(error) => {
                // An error while setting up on a live connection (say, a queue declared with
                // other arguments) would come back on every reconnect: stop and say why.
                if connection.status().connected() {
                    return Err(format!("cannot consume queue \"{queue}\": {error}"));
                }
                log_line!(
                    "[{}] lost RabbitMQ while setting up ({error}); reconnecting",
                    settings.id
                );
            }
        }
    }
}

/// Sets up one channel and consumes until asked to stop or until the connection is lost.
///
/// Messages are handled one at a time, in order: "finish the current message" on shutdown then
/// has a clear meaning, and the prefetched ones that were not started go back to the queue by
/// themselves when the channel closes. To use more cores, start more workers.
async fn serve(
    settings: &Settings,
    connection: &Connection,
    stop: &mut Pin<Box<dyn Future<Output = StopReason>>>,
) -> lapin::Result<Stopped> {
    let queue = settings.config.queues.work_queue(settings.spec.queue);
    let channel = connection.create_channel().await?;
    channel
        .basic_qos(settings.prefetch, BasicQosOptions::default())
        .await?;
    // Publisher confirms: each reply's publish resolves only once the broker has taken it.
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    queues::declare(&channel, &settings.config.queues).await?;
    let mut consumer = channel
        .basic_consume(
            queue.into(),
            settings.id.as_str().into(),
            // `no_ack: false` (the default): the broker keeps each message until we ack it.
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await?;
    log_line!(
        "[{}] {} {} consuming \"{queue}\" on {} (prefetch {})",
        settings.id,
        settings.spec.name,
        settings.spec.version,
        settings.config.display_addr(),
        settings.prefetch
    );

    loop {
        let next = tokio::select! {
            // `biased`: check for a stop request before taking the next message.
            biased;
            reason = stop.as_mut() => {
                let tag = consumer.tag();
                let _ = tokio::time::timeout(
                    CLOSE_TIMEOUT,
                    channel.basic_cancel(tag, BasicCancelOptions::default()),
                )
                .await;
                return Ok(Stopped::Requested(reason, channel));
            }
            next = consumer.next() => next,
        };
        match next {
            Some(Ok(delivery)) => {
                if let Err(error) = handle(settings, &channel, delivery).await {
                    return Ok(Stopped::Lost(error.to_string()));
                }
            }
            Some(Err(error)) => return Ok(Stopped::Lost(error.to_string())),
            None => return Ok(Stopped::Lost("the broker cancelled the consumer".into())),
        }
    }
}

/// One message: validate, compute, publish the reply and wait for its confirm, then ack.
async fn handle(settings: &Settings, channel: &Channel, delivery: Delivery) -> lapin::Result<()> {
    let id = &settings.id;
    let properties = &delivery.properties;
    let (Some(reply_to), Some(correlation_id)) = (
        properties.reply_to().clone(),
        properties.correlation_id().clone(),
    ) else {
        log_line!("[{id}] dead-lettering a message without reply_to or correlation_id");
        delivery
            .reject(BasicRejectOptions { requeue: false })
            .await?;
        return Ok(());
    };

    if !settings.work_time.is_zero() {
        tokio::time::sleep(settings.work_time).await;
    }
    let body = match (settings.spec.handle)(&delivery.data) {
        Handled::Malformed(reason) => {
            log_line!("[{id}] dead-lettering message {correlation_id}: {reason}");
            delivery
                .reject(BasicRejectOptions { requeue: false })
                .await?;
            return Ok(());
        }
        Handled::Reply(body) => body,
    };
    if settings.log_each {
        log_line!(
            "[{id}] {correlation_id}{}: {} -> {}",
            if delivery.redelivered {
                " (redelivered)"
            } else {
                ""
            },
            String::from_utf8_lossy(&delivery.data),
            String::from_utf8_lossy(&body)
        );
    }

    let confirmation = channel
        .basic_publish(
            "".into(),
            reply_to,
            BasicPublishOptions::default(),
            &body,
            BasicProperties::default()
                .with_correlation_id(correlation_id.clone())
                .with_content_type("application/json".into())
                .with_app_id(id.as_str().into()),
        )
        .await?
        .await?;
    if confirmation.is_nack() {
        // The broker could not take the reply: hand the request back so it is tried again.
        log_line!("[{id}] the broker refused the reply to {correlation_id}; requeueing it");
        delivery
            .nack(BasicNackOptions {
                requeue: true,
                ..BasicNackOptions::default()
            })
            .await?;
        return Ok(());
    }
    delivery.ack(BasicAckOptions::default()).await?;
    Ok(())
}

async fn close(channel: &Channel, connection: &Connection) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, channel.close(200, "worker stopping".into())).await;
    let _ = tokio::time::timeout(
        CLOSE_TIMEOUT,
        connection.close(200, "worker stopping".into()),
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_ms_slows_a_worker_that_simulates_work() {
        assert_eq!(work_time(true, Some("20")), Ok(Duration::from_millis(20)));
        assert_eq!(work_time(true, None), Ok(Duration::ZERO));
        let error = work_time(true, Some("fast")).unwrap_err();
        assert!(error.starts_with("WORK_MS=\"fast\""), "{error}");
    }

    #[test]
    fn work_ms_is_ignored_by_a_worker_that_does_not_simulate_work() {
        assert_eq!(work_time(false, Some("20")), Ok(Duration::ZERO));
        assert_eq!(work_time(false, Some("fast")), Ok(Duration::ZERO));
    }
}
