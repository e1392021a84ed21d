//! The pipeline's two stages as calls through RabbitMQ: a call publishes its request to a worker's
//! queue, with an address to reply to, and waits for the reply there.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{consume, declare_queue, publish, queue_name};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest};
use lapin::{BasicProperties, Connection};
use serde::de::DeserializeOwned;
use std::{error::Error, time::Duration};
use tokio_stream::StreamExt; // gives a stream (an iterator whose items are awaited) its `.next()`

/// RabbitMQ's direct reply-to: RabbitMQ turns it into an address of the channel that publishes.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Both stages, over one connection to RabbitMQ. A call waits `timeout` at most for its reply.
pub struct RpcClient {
    pub broker: Connection,
    pub timeout: Duration,
}

// Each stage is a call to its queue. The reply comes in the wire's types (`common`); the
// pipeline has its own, with the same fields.
impl Processor for RpcClient {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        let result: common::ProcessResult = self.call(PROCESS_QUEUE, value, request_id).await?;
        Ok(ProcessResult {
            value: result.value,
            processed: result.processed,
        })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        let result: common::TransformResult = self.call(TRANSFORM_QUEUE, value, request_id).await?;
        Ok(TransformResult {
            original: result.original,
            transformed: result.transformed,
        })
    }
}

impl RpcClient {
    /// One call: `{"value": value}` to the worker on `queue`, then its reply's result as a `T`
    /// (`DeserializeOwned`: a type serde can decode), or why there is none.
    async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let correlation_id = format!("{request_id}/{queue}"); // names this call: `app-4242/process`
        let queue = queue_name(queue); // after `QUEUE_PREFIX`, if set: tests set one
        let component = format!("the worker on queue \"{queue}\"");
        let waited = self.timeout;
        let request = self.request(&queue, value, correlation_id); // a future: runs when awaited
        // `timeout` awaits it: `Err` if the time runs out first, or else the request's `Result`.
        let outcome = match tokio::time::timeout(waited, request).await {
            Ok(outcome) => outcome,
            Err(_) => return Err(CallError::TimedOut { component, waited }),
        };
        match outcome {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => {
                let reason = error.to_string();
                Err(CallError::Unavailable { component, reason })
            }
        }
    }

    /// Publishes the request and takes the reply, on a channel (a session inside the connection)
    /// of its own: any reply on it is this call's. Dropped as the call ends, the channel closes.
    /// `Box<dyn Error>`: any error, so that `?` passes on lapin's and serde's alike.
    async fn request<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        correlation_id: String,
    ) -> Result<Reply<T>, Box<dyn Error>> {
        let channel = self.broker.create_channel().await?;
        // Declare the queue: create it unless it exists. The request then waits in it for a worker.
        declare_queue(&channel, queue).await?;
        // Consume the replies before publishing, and without acks (`false`): direct reply-to's rule.
        let mut replies = consume(&channel, DIRECT_REPLY_TO, false).await?;
        // lapin takes text as its `ShortString`: `.into()` makes one.
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.into())
            // Still queued when the call gives up: dropped, so that no worker answers it in vain.
            .with_expiration(self.timeout.as_millis().to_string().into());
        let body = serde_json::to_vec(&ValueRequest { value })?;
        publish(&channel, queue, &body, properties).await?;
        let reply = match replies.next().await {
            Some(reply) => reply?,
            None => return Err("lost the connection to RabbitMQ".into()),
        };
        let reply: Reply<T> = serde_json::from_slice(&reply.data)?;
        Ok(reply)
    }
}
