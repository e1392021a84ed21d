//! The pipeline's stages as calls through RabbitMQ. A call publishes `{"value":42}` to a queue
//! with `reply_to` (where to send the reply: `amq.rabbitmq.reply-to`, RabbitMQ's direct reply-to,
//! which hands it straight back to this channel) and `correlation_id` (which call it answers).

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{connect, declare_queue};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest, queue_name};
use lapin::options::BasicConsumeOptions;
use lapin::{BasicProperties, Channel, Connection, Consumer, types::FieldTable};
use serde::de::DeserializeOwned;
use std::{collections::HashMap, sync::Arc, sync::Mutex, time::Duration};
use tokio::sync::oneshot;
use tokio_stream::StreamExt;

const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// Waiting calls: correlation id -> `oneshot` sender (a channel for one value). A `std` `Mutex`,
/// as it is never held across an `.await`.
type Waiting = Arc<Mutex<HashMap<String, oneshot::Sender<Vec<u8>>>>>;

/// One connection and channel for every call; both stages: `Processor` and `Transformer`.
pub struct RpcClient {
    connection: Connection,
    channel: Channel,
    waiting: Waiting,
    timeout: Duration,
}

impl RpcClient {
    /// Connects, declares both queues, starts the task that routes replies.
    pub async fn connect(timeout: Duration) -> Result<RpcClient, String> {
        let connection = connect(&format!("app-{}", std::process::id())).await?;
        let failed = |error: lapin::Error| format!("cannot set up the app on RabbitMQ: {error}");
        let channel = connection.create_channel().await.map_err(failed)?;
        for queue in [PROCESS_QUEUE, TRANSFORM_QUEUE] {
            declare_queue(&channel, &queue_name(queue))
                .await
                .map_err(failed)?;
        }
        // Direct reply-to: consume on the publishing channel, before publishing, with `no_ack`.
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let (queue, tag) = (DIRECT_REPLY_TO.into(), "replies".into());
        let consume = channel.basic_consume(queue, tag, no_ack, FieldTable::default());
        let replies = consume.await.map_err(failed)?;
        let waiting = Waiting::default();
        // A task: tokio runs it beside the calls.
        tokio::spawn(route_replies(replies, waiting.clone()));
        Ok(RpcClient {
            connection,
            channel,
            waiting,
            timeout,
        })
    }

    /// One call: publish `{"value": value}` to `queue`, wait for the reply, decode it.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let (queue, timeout) = (queue_name(queue), self.timeout);
        let component = format!("the worker on queue \"{queue}\"");
        let correlation_id = format!("{request_id}/{queue}");
        // Wait before publishing: a fast reply must find this call.
        let (sender, reply) = oneshot::channel();
        self.waiting
            .lock()
            .unwrap()
            .insert(correlation_id.clone(), sender);
        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.as_str().into());
        // The default exchange ("") routes by queue name: the routing key is the work queue.
        let (exchange, key, options) = ("".into(), queue.as_str().into(), Default::default());
        let publish = self
            .channel
            .basic_publish(exchange, key, options, &body, properties);
        let unavailable = |reason| CallError::Unavailable {
            component: component.clone(),
            reason,
        };
        let answer = match publish.await {
            Err(error) => Err(unavailable(format!("cannot publish the request: {error}"))),
            Ok(_) => match tokio::time::timeout(timeout, reply).await {
                Ok(Ok(body)) => Ok(body),
                // `route_replies` dropped our sender: the connection is gone.
                Ok(Err(_)) => Err(unavailable("lost the connection to RabbitMQ".into())),
                Err(_) => Err(CallError::TimedOut {
                    component: component.clone(),
                    waited: timeout,
                }),
            },
        };
        // However the call ended, nobody waits for its reply now: a late one will be dropped.
        self.waiting.lock().unwrap().remove(&correlation_id);

        match serde_json::from_slice(&answer?) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => Err(unavailable(format!("its reply is not valid: {error}"))),
        }
    }

    pub async fn close(self) {
        let _ = self.channel.close(200, "done".into()).await;
        let _ = self.connection.close(200, "done".into()).await;
    }
}

/// Hands each reply to the call waiting for its correlation id. A reply nobody waits for (its
/// call timed out, or two workers answered the same request) is dropped.
async fn route_replies(mut replies: Consumer, waiting: Waiting) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .clone()
            .unwrap_or_default();
        // `send` fails if the call just gave up: then the reply is dropped too.
        let _ = waiting
            .lock()
            .unwrap()
            .remove(id.as_str())
            .map(|call| call.send(reply.data));
    }
    // The connection is gone: dropping every sender wakes each waiting call with an error.
    waiting.lock().unwrap().clear();
}

impl Processor for RpcClient {
    async fn process(&self, value: i32, id: &str) -> Result<ProcessResult, CallError> {
        let common::ProcessResult { value, processed } =
            self.call(PROCESS_QUEUE, value, id).await?;
        Ok(ProcessResult { value, processed })
    }
}

impl Transformer for RpcClient {
    async fn transform(&self, value: i32, id: &str) -> Result<TransformResult, CallError> {
        let common::TransformResult {
            original,
            transformed,
        } = self.call(TRANSFORM_QUEUE, value, id).await?;
        Ok(TransformResult {
            original,
            transformed,
        })
    }
}
