//! The pipeline's two stages as RPCs (a request and its reply) through RabbitMQ: a call publishes
//! `{"value":42}` to a worker's queue, with `reply_to` and `correlation_id`, and waits.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{self, declare_queue};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, queue_name};
use lapin::options::BasicConsumeOptions;
use lapin::{BasicProperties, Connection, types::FieldTable};
use serde::de::DeserializeOwned;
use std::time::Duration;
use tokio_stream::StreamExt; // the trait that gives streams `.next()`

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
        let connection = broker::connect(&format!("app-{}", std::process::id())).await?;
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
        let queue = queue_name(queue);
        let waited = self.reply_timeout;
        let component = format!("the worker on queue \"{queue}\"");
        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            // The app's request id: the worker logs it, which joins its log to the app's.
            .with_correlation_id(request_id.into())
            // Still queued when we stop waiting: dropped, so that no worker answers it in vain.
            .with_expiration(waited.as_millis().to_string().into());
        let reply = match self.publish_and_wait(&queue, &body, properties).await {
            Ok(Some(reply)) => reply,
            Ok(None) => return Err(CallError::TimedOut { component, waited }),
            Err(reason) => return Err(CallError::Unavailable { component, reason }),
        };
        match serde_json::from_slice(&reply) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => Err(CallError::Unavailable {
                component,
                reason: format!("its reply is not valid: {error}"),
            }),
        }
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
        let reply_to = DIRECT_REPLY_TO.into();
        let tag = "reply".into(); // the consumer's name
        let consume = channel.basic_consume(reply_to, tag, options, FieldTable::default());
        let mut replies = consume.await.map_err(failed)?;
        // The exchange "" puts a message in the queue that its routing key names.
        let exchange = "".into();
        let routing_key = queue.into();
        let options = Default::default();
        let publish = channel.basic_publish(exchange, routing_key, options, body, properties);
        publish.await.map_err(failed)?;
        let reply = tokio::time::timeout(self.reply_timeout, replies.next()).await;
        // A reply that comes after this (a late one, a second answer) finds no channel: dropped.
        let _ = channel.close(200, "done".into()).await;
        // Layers: `timeout`'s Result, of `next()`'s Option, of one delivery or lapin's error.
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

// Convert the wire types (`common`, shared with the workers) into the contract's types
// (`pipeline.rs`, which knows no transport): same fields, two crates.
impl Processor for RpcClient {
    async fn process(&self, value: i32, id: &str) -> Result<ProcessResult, CallError> {
        let result: common::ProcessResult = self.call(PROCESS_QUEUE, value, id).await?;
        Ok(ProcessResult {
            value: result.value,
            processed: result.processed,
        })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, id: &str) -> Result<TransformResult, CallError> {
        let result: common::TransformResult = self.call(TRANSFORM_QUEUE, value, id).await?;
        Ok(TransformResult {
            original: result.original,
            transformed: result.transformed,
        })
    }
}
