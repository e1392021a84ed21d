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
//! Setting up the channel and consuming, the worker's `main`, and reconnecting are in
//! [`crate::reconnect`], which hands each message to [`Worker::handle`].

use crate::queues::WorkQueue;
use crate::{Reply, ValueRequest};
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicPublishOptions, BasicRejectOptions};
use lapin::{BasicProperties, Channel};
use serde::Serialize;
use std::time::Duration;
use tracing::{info, warn};

/// What makes one worker binary different from the other.
pub struct Worker<T> {
    /// The binary's name, for logs and the connection name.
    pub name: &'static str,
    pub version: &'static str,
    /// The queue this worker consumes.
    pub queue: WorkQueue,
    /// The business logic: a request in, the reply out (an overflow is a reply too). A field
    /// holding a function, called as `(self.compute)(request)`.
    pub compute: fn(ValueRequest) -> Reply<T>,
    /// Simulated work per message (`WORK_MS`, service1 only): makes load sharing visible.
    pub work_time: Duration,
}

impl<T: Serialize> Worker<T> {
    /// One message: read the request, compute, publish the reply and wait for its confirm, ack.
    /// `id` names this worker process (`service1-<pid>`); it goes in the reply's `app_id`
    /// property, which the app prints as "answered by".
    pub(crate) async fn handle(
        &self,
        channel: &Channel,
        delivery: Delivery,
        id: &str,
    ) -> anyhow::Result<()> {
        let properties = &delivery.properties;
        // `let ... else`: take both properties, or (`else`) dead-letter the message and return.
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
    let no_requeue = BasicRejectOptions { requeue: false };
    delivery.reject(no_requeue).await?;
    Ok(())
}
