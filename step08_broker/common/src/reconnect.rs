//! A worker's process: its flags, its `main`, and the loop that keeps it consuming.
//!
//! A worker whose connection drops connects again, declares its queues again, and goes on.
//!
//! A broker restart, a network blip, or an operator closing the connection all look the same to a
//! worker: its consumer ends. Requests are persistent messages in durable queues, so they wait in
//! the broker meanwhile; the worker only has to come back. This loop does that, with the same
//! bounded retry as the first connection (after which the worker exits 1 with the reason), and
//! stops cleanly on Ctrl-C, SIGTERM, or its parent closing its stdin. Why not lapin's own
//! automatic recovery: see "Going further" in the step README.

use crate::connect::{self, BrokerArgs};
use crate::queues;
use crate::shutdown;
use crate::worker::Worker;
use anyhow::bail;
use lapin::Connection;
use lapin::options::BasicConsumeOptions;
use lapin::types::FieldTable;
use serde::Serialize;
use std::future::Future;
use std::pin::{Pin, pin};
use std::process::ExitCode;
use std::time::Duration;
use tokio_stream::StreamExt;
use tracing::{Instrument, info, info_span, warn};

/// How many unacknowledged messages the broker may hand one worker at once. Without a limit, the
/// first worker to connect would take the whole queue and the others would idle.
const PREFETCH: u16 = 10;

/// The settings both workers take (flags, or the environment variables named in `--help`).
#[derive(clap::Args, Debug, Clone)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub broker: BrokerArgs,

    /// Stop when stdin reaches end of file (how the app stops the workers it started)
    #[arg(long)]
    pub stop_when_stdin_closes: bool,
}

/// Why [`Worker::serve`] returned.
enum Stopped {
    /// Asked to stop, for this reason.
    Requested(&'static str),
    /// The connection, the channel or the consumer is gone: connect again.
    Lost(String),
}

impl<T: Serialize> Worker<T> {
    /// The whole `main` of a worker binary: logs on stderr (`RUST_LOG`, default `info`), then
    /// consume until asked to stop. An error ends as one line on stderr and exit status 1.
    pub async fn main(self, args: WorkerArgs) -> ExitCode {
        crate::init_logging();
        // `service1-4242`, plus `@host` in a container: tells replicas apart in the logs.
        let host = std::env::var("HOSTNAME").map_or(String::new(), |host| format!("@{host}"));
        let id = format!("{}-{}{host}", self.name, std::process::id());
        let span = info_span!("worker", id = %id);
        match self.run(&args, &id).instrument(span).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {id}: {error:#}");
                ExitCode::FAILURE
            }
        }
    }

    /// Connects, serves, and on a lost connection does it again, until asked to stop.
    async fn run(&self, args: &WorkerArgs, id: &str) -> anyhow::Result<()> {
        let mut stop = pin!(shutdown::requested(args.stop_when_stdin_closes));
        let queue = args.broker.queues.work_queue(self.queue);
        loop {
            let connection = tokio::select! {
                connection = connect::connect(&args.broker, id) => connection?,
                reason = stop.as_mut() => {
                    info!("{reason} before RabbitMQ was reached; exiting");
                    return Ok(());
                }
            };
            let served = self.serve(args, &connection, id, stop.as_mut()).await;
            let connected = connection.status().connected();
            // Closing the connection closes its channel; the broker requeues what was not acked. It
            // must not hang the exit if the broker is gone. On a lost consumer the connection may
            // still be open (a deleted queue): closing it keeps reconnecting from leaking it.
            let close = connection.close(200, "stopping".into());
            let _ = tokio::time::timeout(Duration::from_secs(5), close).await;
            match served {
                Ok(Stopped::Requested(reason)) => {
                    info!("{reason}: finished the current message, closed");
                    return Ok(());
                }
                Ok(Stopped::Lost(cause)) => {
                    warn!("lost RabbitMQ ({cause}); reconnecting and declaring \"{queue}\" again");
                }
                // On a live connection (say, a queue declared elsewhere with other arguments) the
                // same error would come back on every reconnect: stop and say why.
                Err(error) if connected => bail!("cannot consume queue \"{queue}\": {error}"),
                Err(error) => warn!("lost RabbitMQ while setting up ({error}); reconnecting"),
            }
        }
    }

    /// Sets up one channel and consumes until asked to stop or until the connection is lost.
    ///
    /// Messages are handled one at a time, in order: "finish the current message" on shutdown
    /// then has a clear meaning, and prefetched messages not yet started go back to the queue when
    /// the channel closes. To use more cores, start more workers.
    async fn serve(
        &self,
        args: &WorkerArgs,
        connection: &Connection,
        id: &str,
        mut stop: Pin<&mut impl Future<Output = &'static str>>,
    ) -> lapin::Result<Stopped> {
        let queue = args.broker.queues.work_queue(self.queue);
        let channel = connection.create_channel().await?;
        // Prefetch: at most this many unacked messages at once, so workers share the queue.
        channel.basic_qos(PREFETCH, Default::default()).await?;
        // Publisher confirms: each reply's publish resolves once the broker has taken it.
        channel.confirm_select(Default::default()).await?;
        queues::declare(&channel, &args.broker.queues).await?;
        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                id.into(),
                // `no_ack: false` (the default): the broker keeps each message until we ack it.
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        let (name, version) = (self.name, self.version);
        info!("{name} {version} consuming \"{queue}\" (prefetch {PREFETCH})");

        loop {
            let next = tokio::select! {
                // `biased`: check for a stop request before taking the next message.
                biased;
                reason = stop.as_mut() => return Ok(Stopped::Requested(reason)),
                next = consumer.next() => next,
            };
            match next {
                Some(Ok(delivery)) => {
                    // Every log line about this message carries its correlation id.
                    let correlation_id = delivery.properties.correlation_id().clone();
                    let correlation_id = correlation_id.as_ref().map_or("none", |id| id.as_str());
                    let span = info_span!("message", correlation_id = %correlation_id);
                    let handled = self.handle(&channel, delivery, id).instrument(span).await;
                    if let Err(error) = handled {
                        return Ok(Stopped::Lost(error.to_string()));
                    }
                }
                Some(Err(error)) => return Ok(Stopped::Lost(error.to_string())),
                None => return Ok(Stopped::Lost("the broker cancelled the consumer".into())),
            }
        }
    }
}
