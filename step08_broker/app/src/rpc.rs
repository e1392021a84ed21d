//! The pipeline's two stages as calls through RabbitMQ: publish a request, wait for its reply.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{consume, declare_queue, next_message, publish};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest};
use lapin::{BasicProperties, Connection};
use serde::de::DeserializeOwned;
use std::{error::Error, time::Duration};

/// The reply address: RabbitMQ passes a reply sent there straight to the channel that asked.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Both stages, over one connection to RabbitMQ. A call waits `timeout` at most for its reply.
pub struct RpcClient {
    pub broker: Connection,
    pub timeout: Duration,
}

// A reply comes as `common`'s type (the message); copied into the pipeline's, which knows no JSON.
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
    /// One call to the worker on `queue`: its reply as a `T` (a type serde decodes), or why none.
    async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let component = format!("the worker on queue \"{queue}\"");
        let waited = self.timeout;
        let request = self.request(queue, value, request_id); // a future: runs when awaited
        // `timeout` awaits it: `Err` if time runs out first, else `Ok` with the request's `Result`.
        match tokio::time::timeout(waited, request).await {
            Err(_) => Err(CallError::TimedOut { component, waited }),
            Ok(Err(error)) => {
                let reason = error.to_string(); // lapin's or serde's
                Err(CallError::Unavailable { component, reason })
            }
            Ok(Ok(Reply::Err { error: reason })) => Err(CallError::Rejected { component, reason }),
            Ok(Ok(Reply::Ok(result))) => Ok(result),
        }
    }

    /// Publishes the request and waits for the reply, on a channel (a session inside the
    /// connection) of its own: any reply on it is this call's. The channel closes as the call
    /// ends: a later reply (to a request answered twice) finds it closed, and RabbitMQ drops it.
    /// `Box<dyn Error>`: any error type, so that `?` passes on lapin's and serde's alike.
    async fn request<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<Reply<T>, Box<dyn Error>> {
        let channel = self.broker.create_channel().await?;
        declare_queue(&channel, queue).await?; // create it unless it exists: requests wait there
        // Replies to this channel. No other consumer could take them, so no acks (`false`).
        let mut replies = consume(&channel, DIRECT_REPLY_TO, false).await?;
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            // `app-4242/process`: for the logs, and for clients that share a channel (`hardened/`).
            .with_correlation_id(format!("{request_id}/{queue}").into())
            // Still queued when the call gives up: dropped, so that no worker answers it in vain.
            .with_expiration(self.timeout.as_millis().to_string().into());
        let body = serde_json::to_vec(&ValueRequest { value })?;
        publish(&channel, queue, &body, properties).await?;
        let reply = next_message(&mut replies).await?;
        Ok(serde_json::from_slice(&reply.data)?)
    }
}
