//! The pipeline's two stages as calls through RabbitMQ: publish a request, wait for its reply.
//!
//! A call publishes `{"value":42}` to a work queue with two properties: `reply_to`, where the
//! worker must send the reply, and `correlation_id`, a name unique to the call. The `reply_to`
//! address is `amq.rabbitmq.reply-to`, RabbitMQ's *direct reply-to*: the broker sends each reply
//! straight back to the channel that published the request, so the app needs no reply queue of
//! its own. One task reads those replies and hands each to the call waiting for its id.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{connect, declare_queue};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, queue_name};
use lapin::options::{BasicConsumeOptions, BasicPublishOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, Consumer};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_stream::StreamExt;

/// RabbitMQ's address for "reply to the channel that sent this".
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// The calls waiting for a reply: correlation id -> the sending end of a `oneshot` channel (a
/// channel for one value). A plain `std` `Mutex`: it is held for one insert or remove, never
/// across an `.await`, which is when tokio's docs recommend it over tokio's own.
type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>>;

/// One connection and one channel to RabbitMQ, shared by every call. It is both stages of the
/// pipeline: the `Processor` (queue `process`) and the `Transformer` (queue `transform`).
pub struct RpcClient {
    connection: Connection,
    channel: Channel,
    waiting: Waiting,
    timeout: Duration,
}

impl RpcClient {
    /// Connects, declares both work queues, and starts the task that routes replies. `timeout`
    /// is how long each call waits for its reply.
    pub async fn connect(timeout: Duration) -> Result<RpcClient, String> {
        let connection = connect(&format!("app-{}", std::process::id())).await?;
        let failed = |error: lapin::Error| format!("cannot set up the app on RabbitMQ: {error}");
        let channel = connection.create_channel().await.map_err(failed)?;
        for queue in [PROCESS_QUEUE, TRANSFORM_QUEUE] {
            declare_queue(&channel, &queue_name(queue))
                .await
                .map_err(failed)?;
        }
        // Direct reply-to asks for a consumer with `no_ack` (a reply is never redelivered),
        // started before the first publish, on the channel that publishes.
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let consume = channel.basic_consume(
            DIRECT_REPLY_TO.into(),
            "replies".into(),
            no_ack,
            FieldTable::default(),
        );
        let replies = consume.await.map_err(failed)?;
        let waiting = Waiting::default();
        // A task: tokio runs it alongside the calls, until the connection ends.
        tokio::spawn(route_replies(replies, waiting.clone()));
        Ok(RpcClient {
            connection,
            channel,
            waiting,
            timeout,
        })
    }

    /// One call: publish `{"value": value}` to `queue`, wait for the reply, decode it.
    /// `request_id` + the queue's name must be unique among the calls in flight.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let queue = queue_name(queue);
        let component = format!("the worker on queue \"{queue}\"");
        let unavailable = |reason: String| CallError::Unavailable {
            component: component.clone(),
            reason,
        };
        let correlation_id = format!("{request_id}/{queue}");
        // Wait before publishing: a fast reply must find this call in `waiting`.
        let (sender, reply) = oneshot::channel();
        // The lock lasts this one statement, never across an `.await`. `unwrap`: a lock is
        // poisoned only by a panic while it is held, and an insert or a remove does not panic.
        self.waiting
            .lock()
            .unwrap()
            .insert(correlation_id.clone(), sender);

        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.as_str().into());
        let options = BasicPublishOptions::default();
        // The default exchange ("") routes by queue name: the routing key is the work queue.
        let publish = self.channel.basic_publish(
            "".into(),
            queue.as_str().into(),
            options,
            &body,
            properties,
        );
        let published = publish.await;
        let answer = match published {
            Err(error) => Err(unavailable(format!("cannot publish the request: {error}"))),
            Ok(_) => match tokio::time::timeout(self.timeout, reply).await {
                Ok(Ok(body)) => Ok(body),
                // `route_replies` dropped our sender: the connection is gone.
                Ok(Err(_)) => Err(unavailable("lost the connection to RabbitMQ".into())),
                Err(_) => Err(CallError::TimedOut {
                    component: component.clone(),
                    waited: self.timeout,
                }),
            },
        };
        // However the call ended, nobody waits for its reply now: a late one will be dropped.
        self.waiting.lock().unwrap().remove(&correlation_id);

        // `Reply` has no tag: serde tries `Ok(T)`'s fields, then `{"error":"..."}`.
        match serde_json::from_slice::<Reply<T>>(&answer?) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error }) => Err(CallError::Rejected {
                component,
                reason: error,
            }),
            Err(error) => Err(unavailable(format!("its reply is not valid: {error}"))),
        }
    }

    /// Closes the channel, then the connection, as the broker expects of a client that leaves.
    pub async fn close(self) {
        let _ = self.channel.close(200, "done".into()).await;
        let _ = self.connection.close(200, "done".into()).await;
    }
}

/// Reads the replies and hands each to the call waiting for its correlation id. A reply nobody
/// waits for (its call timed out, or a worker answered the same request twice) is dropped.
async fn route_replies(mut replies: Consumer, waiting: Waiting) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .clone()
            .unwrap_or_default();
        let call = waiting.lock().unwrap().remove(id.as_str());
        if let Some(call) = call {
            let _ = call.send(reply.data); // fails only if the call just gave up: dropped too
        }
    }
    // The connection is gone: dropping every sender wakes each waiting call with an error.
    waiting.lock().unwrap().clear();
}

impl Processor for RpcClient {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let reply: common::ProcessResult = self.call(PROCESS_QUEUE, value, request_id).await?;
        Ok(ProcessResult {
            value: reply.value,
            processed: reply.processed,
        })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let reply: common::TransformResult = self.call(TRANSFORM_QUEUE, value, request_id).await?;
        Ok(TransformResult {
            original: reply.original,
            transformed: reply.transformed,
        })
    }
}
