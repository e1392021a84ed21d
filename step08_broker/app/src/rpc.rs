//! The pipeline's two stages as calls through RabbitMQ: publish a request, wait for its reply.

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{consume_no_ack, declare_queue, next_message, publish};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest};
use lapin::{BasicProperties, Connection};
use serde::de::DeserializeOwned;
use std::{error::Error, time::Duration};

pub struct RpcClient {
    pub broker: Connection,
    pub timeout: Duration, // how long a call waits for its reply
}

impl Processor for RpcClient {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, CallError> {
        self.call(PROCESS_QUEUE, value, request_id).await
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, request_id: &str) -> Result<TransformResult, CallError> {
        self.call(TRANSFORM_QUEUE, value, request_id).await
    }
}

impl RpcClient {
    /// The reply of the worker on `queue`, or a `CallError`: `TimedOut`, `Unavailable` (RabbitMQ
    /// failed us, or the reply is not JSON), `Rejected` (the worker's error reply). `T`: a type
    /// serde can read from JSON, the one the caller returns (`ProcessResult`, `TransformResult`).
    async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let component = format!("the worker on queue \"{queue}\"");
        let waited = self.timeout;
        let request = self.request(queue, value, request_id); // a future: runs when awaited
        // `timeout` runs `request`, and gives `Err` if time runs out first.
        let outcome = match tokio::time::timeout(waited, request).await {
            Ok(outcome) => outcome,
            Err(_) => return Err(CallError::TimedOut { component, waited }),
        };
        // `outcome` is `request`'s own result: `Err` if RabbitMQ failed us or the reply is not
        // JSON, else the worker's reply.
        match outcome {
            Err(error) => {
                let reason = error.to_string(); // lapin's or serde's
                Err(CallError::Unavailable { component, reason })
            }
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Ok(Reply::Ok(result)) => Ok(result),
        }
    }

    /// Publishes the request and takes the reply, on a channel (a session inside the connection)
    /// of its own. `Box<dyn Error>`: any error type, so `?` passes on lapin's and serde's alike.
    async fn request<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<Reply<T>, Box<dyn Error>> {
        let channel = self.broker.create_channel().await?;
        // Create the queue unless it exists, so that a request sent before any worker started
        // waits in it (RabbitMQ drops a message sent to a queue that does not exist).
        declare_queue(&channel, queue).await?;
        // Listen for replies to this channel (see the README) before publishing: RabbitMQ
        // refuses a request whose reply-to channel does not listen yet. Only this call's reply
        // can come here, so none needs matching to its request, and none needs an ack.
        let mut replies = consume_no_ack(&channel, "amq.rabbitmq.reply-to").await?;
        // `.into()`: a `&str` or `String` made lapin's own string type.
        let properties = BasicProperties::default()
            .with_reply_to("amq.rabbitmq.reply-to".into())
            .with_correlation_id(format!("{request_id}/{queue}").into()) // labels the logs' lines
            // In milliseconds: if the request is still queued when the call gives up, RabbitMQ
            // drops it, so no worker answers it in vain.
            .with_expiration(self.timeout.as_millis().to_string().into());
        let body = serde_json::to_vec(&ValueRequest { value })?;
        publish(&channel, queue, &body, properties).await?;
        let reply = next_message(&mut replies).await?;
        Ok(serde_json::from_slice(&reply.data)?)
    }
}
