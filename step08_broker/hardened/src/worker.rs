//! The workers' loop, hardened. Each message still goes through the lesson's
//! `common::worker::answer` (compute, reply, then ack); around it this adds:
//!
//! - **reconnecting**: a broker restart, a network blip or an operator closing the connection all
//!   end the consumer. The worker connects again (retrying for `AMQP_CONNECT_TIMEOUT_SECS`),
//!   declares its queues again, and goes on. Requests wait in the durable queue meanwhile.
//! - **dead letters**: a message no worker can answer (not JSON, no `reply_to`) is copied to the
//!   durable queue `dead_letters`, where a human can look at it, then acked. The lesson drops it.
//! - **a clean stop**: on Ctrl-C, SIGTERM, or (with `--stop-when-stdin-closes`) its parent closing
//!   its stdin, the worker finishes the message in hand, closes its connection and exits 0.
//!   Whatever it had not acked goes back to the queue.

use crate::shutdown;
use common::Reply;
use common::broker::{connect, declare_queue, queue_name};
use common::worker::{answer, read_request};
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Connection};
use serde::Serialize;
use std::future::Future;
use std::pin::{Pin, pin};
use std::process::ExitCode;
use std::time::Duration;
use tokio::time::{Instant, sleep, timeout};
use tokio_stream::StreamExt;

/// The queue (after `QUEUE_PREFIX`) where messages that can never be processed end up.
pub const DEAD_LETTERS: &str = "dead_letters";

/// A hardened worker's flags (each also an environment variable, named in `--help`).
#[derive(clap::Parser, Debug)]
#[command(version)]
struct WorkerArgs {
    /// Stop when stdin reaches end of file (how the hardened app stops the workers it started)
    #[arg(long)]
    stop_when_stdin_closes: bool,

    /// How long to keep retrying a connection, in seconds
    #[arg(long, env = "AMQP_CONNECT_TIMEOUT_SECS", default_value_t = 30)]
    connect_timeout_secs: u64,

    /// Simulated work per message, in milliseconds (service1 only: shows workers sharing a queue)
    #[arg(long, env = "WORK_MS", value_name = "MS", default_value_t = 0)]
    work_ms: u64,
}

/// Why [`serve`] returned.
enum Stopped {
    Requested(&'static str),
    Lost(String),
}

/// The whole `main` of a hardened worker. `slow`: whether `WORK_MS` applies to it.
pub async fn main<T: Serialize>(
    name: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
    slow: bool,
) -> ExitCode {
    let args = match <WorkerArgs as clap::Parser>::try_parse() {
        Ok(args) => args,
        Err(error) if !error.use_stderr() => error.exit(), // --help, --version
        Err(error) => {
            let text = error.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::FAILURE;
        }
    };
    // `service1-4242`, plus `@host` in a container: tells replicas apart in the logs.
    let host = std::env::var("HOSTNAME").map_or(String::new(), |host| format!("@{host}"));
    let id = format!("{name}-{}{host}", std::process::id());
    let work = Duration::from_millis(if slow { args.work_ms } else { 0 });
    match run(&args, &id, queue, compute, work).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {id}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Connects, serves, and on a lost connection does it again, until asked to stop.
async fn run<T: Serialize>(
    args: &WorkerArgs,
    id: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
    work: Duration,
) -> Result<(), String> {
    let mut stop = pin!(shutdown::requested(args.stop_when_stdin_closes));
    let limit = Duration::from_secs(args.connect_timeout_secs);
    loop {
        let connection = tokio::select! {
            connection = connect_with_retry(id, limit) => connection?,
            reason = stop.as_mut() => {
                eprintln!("{id}: {reason} before RabbitMQ was reached; exiting");
                return Ok(());
            }
        };
        let served = serve(&connection, id, queue, compute, work, stop.as_mut()).await;
        let connected = connection.status().connected();
        // Closing returns what was not acked to the queue; it must not hang if the broker is gone.
        let _ = timeout(
            Duration::from_secs(5),
            connection.close(200, "stopping".into()),
        )
        .await;
        match served {
            Ok(Stopped::Requested(reason)) => {
                eprintln!("{id}: {reason}: finished the current message, closed");
                return Ok(());
            }
            Ok(Stopped::Lost(cause)) => {
                eprintln!("{id}: lost RabbitMQ ({cause}); reconnecting to queue \"{queue}\"");
                sleep(Duration::from_millis(100)).await; // a broker that keeps closing us: no spin
            }
            // On a live connection the same error would come back on every reconnect.
            Err(error) if connected => return Err(format!("cannot consume \"{queue}\": {error}")),
            Err(error) => eprintln!("{id}: lost RabbitMQ while setting up ({error}); reconnecting"),
        }
    }
}

/// The lesson's `connect`, retried with a growing pause until `limit` has passed: a broker is
/// often not up yet when its clients start (a `docker compose up`, a restart).
pub async fn connect_with_retry(id: &str, limit: Duration) -> Result<Connection, String> {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(100);
    loop {
        match connect(id).await {
            Ok(connection) => return Ok(connection),
            Err(error) if Instant::now() + pause >= deadline => return Err(hide_password(&error)),
            Err(_) => sleep(pause).await,
        }
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// One connection's worth of work: set up a channel and consume until stopped or lost.
async fn serve<T: Serialize>(
    connection: &Connection,
    id: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
    work: Duration,
    mut stop: Pin<&mut impl Future<Output = &'static str>>,
) -> lapin::Result<Stopped> {
    let channel = connection.create_channel().await?;
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    declare_queue(&channel, queue).await?;
    declare_queue(&channel, DEAD_LETTERS).await?;
    let dead_letters = queue_name(DEAD_LETTERS);
    let (tag, options) = (id.into(), BasicConsumeOptions::default());
    let consume = channel.basic_consume(
        queue_name(queue).into(),
        tag,
        options,
        FieldTable::default(),
    );
    let mut requests = consume.await?;
    eprintln!("{id}: waiting for requests on queue \"{queue}\"");
    loop {
        let next = tokio::select! {
            // `biased`: check for a stop request before taking the next message.
            biased;
            reason = stop.as_mut() => return Ok(Stopped::Requested(reason)),
            next = requests.next() => next,
        };
        let delivery = match next {
            Some(Ok(delivery)) => delivery,
            Some(Err(error)) => return Ok(Stopped::Lost(error.to_string())),
            None => return Ok(Stopped::Lost("the broker cancelled the consumer".into())),
        };
        let handled = match read_request(&delivery) {
            None => dead_letter(&channel, delivery, &dead_letters, id).await,
            Some(_) => {
                if delivery.redelivered {
                    // Another worker took it and died (or lost its connection) before its ack.
                    eprintln!("{id}: the next request was given to a worker before (redelivered)");
                }
                if !work.is_zero() {
                    // Not `sleep(ZERO)`: that still waits for the timer's next tick (~1 ms).
                    sleep(work).await;
                }
                answer(&channel, delivery, compute, id).await
            }
        };
        if let Err(error) = handled {
            return Ok(Stopped::Lost(error.to_string()));
        }
    }
}

/// Copies a message no worker can answer to `dead_letters`, then acks it.
async fn dead_letter(
    channel: &lapin::Channel,
    delivery: Delivery,
    dead_letters: &str,
    id: &str,
) -> lapin::Result<()> {
    let correlation_id = delivery.properties.correlation_id().clone();
    let correlation_id = correlation_id.as_ref().map_or("none", |c| c.as_str());
    eprintln!(
        "{id}: dead-lettering a message that is not a request (correlation_id={correlation_id})"
    );
    let properties = BasicProperties::default().with_delivery_mode(2); // persistent: kept on disk
    let options = BasicPublishOptions::default();
    let publish = channel.basic_publish(
        "".into(),
        dead_letters.into(),
        options,
        &delivery.data,
        properties,
    );
    publish.await?;
    delivery.ack(BasicAckOptions::default()).await?;
    Ok(())
}

/// `text` with the password of `AMQP_ADDR` (`amqp://user:secret@host/vhost`) replaced by `***`:
/// the lesson's error names the address, and error lines end up in terminals and CI logs.
pub fn hide_password(text: &str) -> String {
    let addr = std::env::var("AMQP_ADDR").unwrap_or_default();
    match without_password(&addr) {
        Some(hidden) => text.replace(&addr, &hidden),
        None => text.to_string(),
    }
}

/// `amqp://user:secret@host/vhost` becomes `amqp://user:***@host/vhost`; `None` without a user.
fn without_password(addr: &str) -> Option<String> {
    let (userinfo, host) = addr.rsplit_once('@')?;
    let (scheme, user) = userinfo.split_at(userinfo.find("//").map_or(0, |i| i + 2));
    let user = user.split(':').next().unwrap_or_default();
    Some(format!("{scheme}{user}:***@{host}"))
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn the_password_in_an_address_is_hidden() {
        let hidden = without_password("amqp://app:s3cret@127.0.0.1:1/%2f");
        assert_eq!(hidden.as_deref(), Some("amqp://app:***@127.0.0.1:1/%2f"));
        // Without a scheme too, nothing between the first `:` and the last `@` is shown.
        assert_eq!(
            without_password("app:s3cr@t@host/%2f").as_deref(),
            Some("app:***@host/%2f")
        );
        assert_eq!(without_password("amqp://127.0.0.1:5672/%2f"), None);
    }
}
