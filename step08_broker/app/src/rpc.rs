//! The pipeline's two stages as calls through RabbitMQ: publish a request, wait for its reply.
//!
//! A call publishes `{"value":42}` to a work queue with two properties: `reply_to`, where the
//! worker must send the reply, and `correlation_id`, a name unique to the call. `reply_to` is
//! `amq.rabbitmq.reply-to`, RabbitMQ's *direct reply-to*: the broker hands each reply straight
//! back to the channel that published the request, so the app needs no reply queue. One task
//! reads the replies and hands each to the call waiting for its correlation id.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{connect, declare_queue};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, queue_name};
use lapin::options::{BasicConsumeOptions, BasicPublishOptions};
use lapin::{BasicProperties, Channel, Connection, Consumer, types::FieldTable};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_stream::StreamExt;

const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// The calls waiting for a reply: correlation id -> the sending half of a `oneshot` channel (a
/// channel for one value). A `std` `Mutex`, as tokio's docs advise for a lock never held across
/// an `.await`: each use below is one statement.
type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>>;

/// One connection and one channel, shared by every call. It is both stages of the pipeline:
/// the `Processor` (queue `process`) and the `Transformer` (queue `transform`).
pub struct RpcClient {
    connection: Connection,
    channel: Channel,
    waiting: Waiting,
    timeout: Duration,
}

impl RpcClient {
    /// Connects, declares both work queues, and starts the task that routes replies. Each call
    /// waits `timeout` for its reply.
    pub async fn connect(timeout: Duration) -> Result<RpcClient, String> {
        let connection = connect(&format!("app-{}", std::process::id())).await?;
        let failed = |error: lapin::Error| format!("cannot set up the app on RabbitMQ: {error}");
        let channel = connection.create_channel().await.map_err(failed)?;
        for queue in [PROCESS_QUEUE, TRANSFORM_QUEUE] {
            declare_queue(&channel, &queue_name(queue)).await.map_err(failed)?;
        }
        // Direct reply-to wants its consumer on the publishing channel, before the first
        // publish, with `no_ack` (a reply is never redelivered).
        let no_ack = BasicConsumeOptions { no_ack: true, ..Default::default() };
        let (queue, tag) = (DIRECT_REPLY_TO.into(), "replies".into());
        let consume = channel.basic_consume(queue, tag, no_ack, FieldTable::default());
        let replies = consume.await.map_err(failed)?;
        let waiting = Waiting::default();
        // A task: tokio runs it alongside the calls, until the connection ends.
        tokio::spawn(route_replies(replies, waiting.clone()));
        Ok(RpcClient { connection, channel, waiting, timeout })
    }

    /// One call: publish `{"value": value}` to `queue`, wait for the reply, decode it.
    /// `request_id` and `queue` together must be unique among the calls in flight.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let queue = queue_name(queue);
        let component = format!("the worker on queue \"{queue}\"");
        let correlation_id = format!("{request_id}/{queue}");
        // Wait before publishing: a fast reply must find this call. (`unwrap`: only a panic
        // while the lock is held poisons it, and an insert or a remove does not panic.)
        let (sender, reply) = oneshot::channel();
        self.waiting.lock().unwrap().insert(correlation_id.clone(), sender);

        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.as_str().into());
        // The default exchange ("") routes by queue name: the routing key is the work queue.
        let (exchange, options) = ("".into(), BasicPublishOptions::default());
        let publish =
            self.channel.basic_publish(exchange, queue.as_str().into(), options, &body, properties);
        let unavailable = |reason| CallError::Unavailable { component: component.clone(), reason };
        let answer = match publish.await {
            Err(error) => Err(unavailable(format!("cannot publish the request: {error}"))),
            Ok(_) => match tokio::time::timeout(self.timeout, reply).await {
                Ok(Ok(body)) => Ok(body),
                // `route_replies` dropped our sender: the connection is gone.
                Ok(Err(_)) => Err(unavailable("lost the connection to RabbitMQ".into())),
                Err(_) => {
                    Err(CallError::TimedOut { component: component.clone(), waited: self.timeout })
                }
            },
        };
        // However the call ended, nobody waits for its reply now: a late one will be dropped.
        self.waiting.lock().unwrap().remove(&correlation_id);

        // `Reply` has no tag: serde tries `Ok(T)`'s fields, then `{"error":"..."}`.
        match serde_json::from_slice(&answer?) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => Err(unavailable(format!("its reply is not valid: {error}"))),
        }
    }

    /// Closes the channel, then the connection, as the broker expects of a client that leaves.
    pub async fn close(self) {
        let _ = self.channel.close(200, "done".into()).await;
        let _ = self.connection.close(200, "done".into()).await;
    }
}

/// Hands each reply to the call waiting for its correlation id. A reply nobody waits for (its
/// call timed out, or two workers answered the same request) is dropped.
async fn route_replies(mut replies: Consumer, waiting: Waiting) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply.properties.correlation_id().clone().unwrap_or_default();
        let call = waiting.lock().unwrap().remove(id.as_str());
        if let Some(call) = call {
            let _ = call.send(reply.data); // fails if the call just gave up: dropped too
        }
    }
    // The connection is gone: dropping every sender wakes each waiting call with an error.
    waiting.lock().unwrap().clear();
}

impl Processor for RpcClient {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let common::ProcessResult { value, processed } =
            self.call(PROCESS_QUEUE, value, request_id).await?;
        Ok(ProcessResult { value, processed })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let common::TransformResult { original, transformed } =
            self.call(TRANSFORM_QUEUE, value, request_id).await?;
        Ok(TransformResult { original, transformed })
    }
}
