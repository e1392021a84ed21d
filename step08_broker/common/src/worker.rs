//! The worker side of every call, shared by `service1` and `service2`: take a request, compute,
//! reply, and only then acknowledge the request.
//!
//! The order of the last two steps is the whole guarantee. A worker acks a request only after the
//! broker has confirmed it holds the reply. If the worker dies anywhere before that ack (a crash,
//! `kill -9`, a lost connection), the broker still holds the request and delivers it again, to
//! another worker or to this one once it is back: nothing is lost. The price is that a request
//! can be processed twice (the reply went out, the ack did not), which is why the app drops a
//! second reply to a call it already has an answer for. That is at-least-once delivery.
//!
//! A message that can never be processed (not JSON, wrong shape, no `reply_to`) is rejected
//! without requeueing: its queue's dead-letter exchange moves it to `dead_letters`, where a human
//! can look at it, instead of it bouncing between workers forever.
//!
//! Reconnecting after a lost connection is not here: [`crate::reconnect`] calls [`Worker::serve`]
//! again on a new connection.

use crate::connect::BrokerArgs;
use crate::queues::{self, WorkQueue};
use crate::{Reply, ValueRequest};
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, BasicRejectOptions,
    ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection};
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
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

/// What makes one worker binary different from the other.
pub struct Worker<T> {
    /// The binary's name, for logs and the connection name.
    pub name: &'static str,
    pub version: &'static str,
    /// The queue this worker consumes.
    pub queue: WorkQueue,
    /// The business logic: a request in, the reply out (an overflow is a reply too).
    pub compute: fn(ValueRequest) -> Reply<T>,
    /// Simulated work per message (`WORK_MS`, service1 only): makes load sharing visible.
    pub work_time: Duration,
}

/// Why [`Worker::serve`] returned.
pub enum Stopped {
    /// Asked to stop: the channel is still open and must be closed.
    Requested(&'static str, Channel),
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
        match crate::reconnect::run(&self, &args, &id)
            .instrument(span)
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {id}: {error:#}");
                ExitCode::FAILURE
            }
        }
    }

    /// Sets up one channel and consumes until asked to stop or until the connection is lost.
    ///
    /// Messages are handled one at a time, in order: "finish the current message" on shutdown
    /// then has a clear meaning, and prefetched messages not yet started go back to the queue when
    /// the channel closes. To use more cores, start more workers.
    pub async fn serve(
        &self,
        args: &WorkerArgs,
        connection: &Connection,
        id: &str,
        mut stop: Pin<&mut impl Future<Output = &'static str>>,
    ) -> lapin::Result<Stopped> {
        let queue = args.broker.queues.work_queue(self.queue);
        let channel = connection.create_channel().await?;
        // Prefetch: at most this many unacked messages at once, so workers share the queue.
        channel
            .basic_qos(PREFETCH, BasicQosOptions::default())
            .await?;
        // Publisher confirms: each reply's publish resolves once the broker has taken it.
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
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
                reason = stop.as_mut() => return Ok(Stopped::Requested(reason, channel)),
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

    /// One message: read the request, compute, publish the reply and wait for its confirm, ack.
    async fn handle(&self, channel: &Channel, delivery: Delivery, id: &str) -> anyhow::Result<()> {
        let properties = &delivery.properties;
        let (Some(reply_to), Some(correlation_id)) = (
            properties.reply_to().clone(),
            properties.correlation_id().clone(),
        ) else {
            return dead_letter(delivery, "no reply_to or correlation_id").await;
        };
        let request: ValueRequest = match serde_json::from_slice(&delivery.data) {
            Ok(request) => request,
            Err(error) => {
                let reason = format!("not a {{\"value\": <i32>}} request: {error}");
                return dead_letter(delivery, &reason).await;
            }
        };
        if !self.work_time.is_zero() {
            tokio::time::sleep(self.work_time).await;
        }
        let reply = (self.compute)(request);
        let body = serde_json::to_vec(&reply).expect("a reply of plain structs always serializes");
        let (data, text) = (
            String::from_utf8_lossy(&delivery.data),
            String::from_utf8_lossy(&body),
        );
        info!(redelivered = delivery.redelivered, "{data} -> {text}");

        let confirm = channel
            .basic_publish(
                "".into(), // the default exchange, which routes by queue name:
                reply_to,  // the routing key is the app's reply queue
                BasicPublishOptions::default(),
                &body,
                BasicProperties::default()
                    .with_correlation_id(correlation_id)
                    .with_content_type("application/json".into())
                    .with_app_id(id.into()),
            )
            .await? // sent...
            .await?; // ...and confirmed: the broker holds the reply
        if confirm.is_nack() {
            // Not acked: when the channel closes, the broker delivers the request again.
            anyhow::bail!("the broker refused a reply (publisher nack)");
        }
        delivery.ack(BasicAckOptions::default()).await?; // only now may the broker forget it
        Ok(())
    }
}

/// Rejects a message that can never be processed, without requeueing: the queue's dead-letter
/// exchange moves it to `dead_letters`.
async fn dead_letter(delivery: Delivery, reason: &str) -> anyhow::Result<()> {
    warn!("dead-lettering the message: {reason}");
    delivery
        .reject(BasicRejectOptions { requeue: false })
        .await?;
    Ok(())
}
