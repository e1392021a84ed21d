//! The pipeline's two stages as calls through RabbitMQ: a call publishes its request to a worker's
//! queue, with an address to reply to, and waits for the reply there.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, broker, queue_name};
use lapin::{BasicProperties, Connection, options::BasicConsumeOptions, types::FieldTable};
use serde::de::DeserializeOwned;
use std::time::Duration;
use tokio_stream::StreamExt; // the trait that gives a stream its `.next()`

/// RabbitMQ's direct reply-to: RabbitMQ turns it into an address of the channel that publishes.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Both stages, over one connection to RabbitMQ.
pub struct RpcClient {
    connection: Connection,
    reply_timeout: Duration,
}

impl RpcClient {
    /// Connects. Each call will wait at most `reply_timeout` for its reply.
    pub async fn connect(reply_timeout: Duration) -> Result<RpcClient, String> {
        let connection = broker::connect("app").await?;
        Ok(RpcClient {
            connection,
            reply_timeout,
        })
    }

    /// One call: `{"value": value}` to the worker on `queue`, then its reply, decoded into a `T`
    /// (`DeserializeOwned`: a type serde can decode).
    async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let correlation_id = format!("{request_id}/{queue}"); // names this call: `app-4242/process`
        let queue = queue_name(queue);
        let component = format!("the worker on queue \"{queue}\"");
        let waited = self.reply_timeout;
        let unavailable = |reason| CallError::Unavailable {
            component: component.clone(),
            reason,
        };
        let failed = |error| unavailable(format!("RabbitMQ failed the call: {error}"));
        // A channel for this call alone: any reply that comes on it is this call's.
        let channel = self.connection.create_channel().await.map_err(failed)?;
        // From now on the queue exists, so the request waits in it until a worker takes it.
        let declare = broker::declare_queue(&channel, &queue);
        declare.await.map_err(failed)?;
        // Direct reply-to's rule: consume the replies before publishing, without acks.
        let options = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let tag = "reply".into(); // the consumer's name
        let consume =
            channel.basic_consume(DIRECT_REPLY_TO.into(), tag, options, FieldTable::default());
        let mut replies = consume.await.map_err(failed)?;
        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.into())
            // Still queued when the call gives up: dropped, so that no worker answers it in vain.
            .with_expiration(waited.as_millis().to_string().into());
        // The exchange "" puts a message in the queue that its routing key names.
        let (routing_key, options) = (queue.as_str().into(), Default::default());
        let publish = channel.basic_publish("".into(), routing_key, options, &body, properties);
        publish.await.map_err(failed)?;
        let reply = tokio::time::timeout(waited, replies.next()).await;
        let _ = channel.close(200, "done".into()).await; // 200: "normal"; a late reply finds nobody
        // Layers: `timeout`'s Result, `next()`'s Option (`None`: the stream ended), lapin's Result.
        let reply = match reply {
            Ok(Some(Ok(reply))) => reply.data,
            Ok(Some(Err(error))) => return Err(failed(error)),
            Ok(None) => return Err(unavailable("lost the connection to RabbitMQ".into())),
            Err(_) => return Err(CallError::TimedOut { component, waited }),
        };
        match serde_json::from_slice(&reply) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => Err(unavailable(format!("its reply is not valid: {error}"))),
        }
    }
}

// From the wire's types (`common`, shared with the workers) to the contract's (`pipeline.rs`).
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
