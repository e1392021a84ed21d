//! The pipeline's two stages as calls through RabbitMQ. A call publishes `{"value":42}` to a
//! worker's queue, with `reply_to` (where to send the reply) and `correlation_id` (which call it
//! answers), then waits for the reply.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{connect, declare_queue};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, queue_name};
use lapin::options::BasicConsumeOptions;
use lapin::{BasicProperties, Connection, types::FieldTable};
use serde::de::DeserializeOwned;
use std::time::Duration;
use tokio_stream::StreamExt;

/// RabbitMQ's direct reply-to: a reply sent here goes straight back to the channel that asked.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Both stages, `Processor` and `Transformer`, over one connection to RabbitMQ.
pub struct RpcClient {
    connection: Connection,
    reply_timeout: Duration,
}

impl RpcClient {
    /// Connects and declares both queues. Each call waits at most `reply_timeout` for its reply.
    pub async fn connect(reply_timeout: Duration) -> Result<RpcClient, String> {
        let connection = connect(&format!("app-{}", std::process::id())).await?;
        let failed = |error: lapin::Error| format!("cannot set up the app on RabbitMQ: {error}");
        let channel = connection.create_channel().await.map_err(failed)?;
        for queue in [PROCESS_QUEUE, TRANSFORM_QUEUE] {
            let queue = queue_name(queue);
            declare_queue(&channel, &queue).await.map_err(failed)?;
        }
        let _ = channel.close(200, "declared".into()).await; // 200: AMQP's "closed normally"
        Ok(RpcClient {
            connection,
            reply_timeout,
        })
    }

    /// One call: publish `{"value": value}` to `queue`, wait for the reply, decode it.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let (queue, waited) = (queue_name(queue), self.reply_timeout);
        let component = format!("the worker on queue \"{queue}\"");
        let correlation_id = format!("{request_id}/{queue}");
        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.as_str().into())
            // Still queued when we stop waiting: dropped, so that no worker answers it in vain.
            .with_expiration(waited.as_millis().to_string().into());
        let reason = match self.publish_and_wait(&queue, &body, properties).await {
            Ok(Some(reply)) => match serde_json::from_slice(&reply) {
                Ok(Reply::Ok(result)) => return Ok(result),
                Ok(Reply::Err { error: reason }) => {
                    return Err(CallError::Rejected { component, reason });
                }
                Err(error) => format!("its reply is not valid: {error}"),
            },
            Ok(None) => return Err(CallError::TimedOut { component, waited }),
            Err(reason) => reason,
        };
        Err(CallError::Unavailable { component, reason })
    }

    /// Publishes the request and waits for its reply: `Ok(None)` if none came in time.
    async fn publish_and_wait(
        &self,
        queue: &str,
        body: &[u8],
        properties: BasicProperties,
    ) -> Result<Option<Vec<u8>>, String> {
        let failed = |error: lapin::Error| format!("RabbitMQ failed the call: {error}");
        // A channel of its own for each call: a reply that comes back on it is this call's.
        let channel = self.connection.create_channel().await.map_err(failed)?;
        // Direct reply-to's rules: consume before publishing, with `no_ack` (a reply needs none).
        let options = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let (reply_to, tag) = (DIRECT_REPLY_TO.into(), "reply".into());
        let consume = channel.basic_consume(reply_to, tag, options, FieldTable::default());
        let mut replies = consume.await.map_err(failed)?;
        // The exchange "" puts a message in the queue that its routing key names.
        let (exchange, key, options) = ("".into(), queue.into(), Default::default());
        let publish = channel.basic_publish(exchange, key, options, body, properties);
        publish.await.map_err(failed)?;
        // `replies` is a stream: an iterator whose `next()` is awaited.
        let reply = tokio::time::timeout(self.reply_timeout, replies.next()).await;
        // A reply that comes after this (a late one, a second answer) finds no channel: dropped.
        let _ = channel.close(200, "done".into()).await;
        match reply {
            Err(_) => Ok(None), // the time ran out
            Ok(Some(Ok(reply))) => Ok(Some(reply.data)),
            Ok(Some(Err(error))) => Err(failed(error)),
            Ok(None) => Err("lost the connection to RabbitMQ".into()), // the stream ended
        }
    }

    pub async fn close(self) {
        let _ = self.connection.close(200, "done".into()).await;
    }
}

// The contract's types (`pipeline.rs`, which knows no transport) from the wire's (`common`,
// which the workers share): the same fields in two crates.
impl Processor for RpcClient {
    async fn process(&self, value: i32, id: &str) -> Result<ProcessResult, CallError> {
        let result: common::ProcessResult = self.call(PROCESS_QUEUE, value, id).await?;
        let (value, processed) = (result.value, result.processed);
        Ok(ProcessResult { value, processed })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, id: &str) -> Result<TransformResult, CallError> {
        let result: common::TransformResult = self.call(TRANSFORM_QUEUE, value, id).await?;
        let (original, transformed) = (result.original, result.transformed);
        Ok(TransformResult {
            original,
            transformed,
        })
    }
}
