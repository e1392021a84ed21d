//! The pipeline's stages as calls to workers through RabbitMQ: request/reply, the app's side.
//!
//! A call publishes `{"value":42}` to a work queue with two properties: `reply_to`, the name of
//! this app's private reply queue, and `correlation_id`, a name unique to this call that starts
//! with the pipeline's request id. The worker publishes its reply to `reply_to` with the same
//! `correlation_id`. One task reads the reply queue and hands each reply to the call waiting for
//! that id.
//!
//! Delivery is at-least-once (see `common::worker`), so the same reply can arrive twice. It can
//! also arrive after its call gave up waiting. Both are "a reply nobody waits for": the task
//! counts it and drops it, and nothing else happens.

use common::queues::WorkQueue;
use common::{ProcessResult, Reply, TransformResult, ValueRequest};
use lapin::message::Delivery;
use lapin::options::BasicPublishOptions;
use lapin::{BasicProperties, Consumer};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;
use tokio_stream::StreamExt;
use tracing::Instrument;

use crate::pipeline::{PipelineError, Processor, Transformer};
use crate::rpc_client::{Pending, RpcClient};

/// AMQP `delivery_mode` 2: the broker writes the message to disk, so a request waiting in a
/// durable queue survives a broker restart.
const PERSISTENT: u8 = 2;

impl RpcClient {
    /// Sends `request` to `queue` and waits for the reply, at most the configured timeout.
    /// Returns the decoded result.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: WorkQueue,
        request: &ValueRequest,
        request_id: &str,
    ) -> Result<T, PipelineError> {
        let (label, queue) = (queue.name(), self.queues.work_queue(queue));
        let stage = format!("the worker on queue \"{queue}\"");
        let fail = |cause: &str| PipelineError::Failed {
            stage: stage.clone(),
            cause: cause.into(),
        };
        // Unique to this call (one per queue per pipeline), and both workers log it.
        let correlation_id = format!("{request_id}/{label}");
        let span = tracing::debug_span!("call", correlation_id = %correlation_id);

        let (sender, receiver) = oneshot::channel();
        self.pending
            .lock()
            .await
            .insert(correlation_id.clone(), sender);
        let answer = self
            .publish(&queue, request, &correlation_id, receiver)
            .instrument(span)
            .await;
        // However the call ended, nobody waits for its reply now: a late one counts as dropped.
        self.pending.lock().await.remove(&correlation_id);

        let reply = match answer {
            Ok(reply) => reply,
            Err(None) => {
                return Err(PipelineError::TimedOut {
                    stage,
                    waited: self.timeout,
                });
            }
            Err(Some(cause)) => return Err(fail(&cause)),
        };
        if self.chatter {
            let worker = reply.properties.app_id().clone().unwrap_or_default();
            println!("        [RabbitMQ] {label} answered by {worker}");
        }
        match serde_json::from_slice::<Reply<T>>(&reply.data) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error }) => Err(PipelineError::Rejected {
                stage,
                message: error,
            }),
            Err(error) => Err(fail(&format!("its reply is not valid: {error}"))),
        }
    }

    /// Publishes the request and waits for the reply that `route_replies` hands over. `Err(None)`
    /// means no reply came in time; `Err(Some(cause))`, that the broker side failed.
    async fn publish(
        &self,
        queue: &str,
        request: &ValueRequest,
        correlation_id: &str,
        reply: oneshot::Receiver<Delivery>,
    ) -> Result<Delivery, Option<String>> {
        let body = serde_json::to_vec(request).map_err(|e| Some(e.to_string()))?;
        let properties = BasicProperties::default()
            .with_delivery_mode(PERSISTENT)
            .with_content_type("application/json".into())
            .with_reply_to(self.reply_queue.clone())
            .with_correlation_id(correlation_id.into());
        let publisher_error = |e: lapin::Error| Some(format!("cannot publish the request: {e}"));
        let confirm = self
            .channel
            .basic_publish(
                "".into(),    // the default exchange, which routes by queue name:
                queue.into(), // the routing key is the work queue
                BasicPublishOptions::default(),
                &body,
                properties,
            )
            .await
            .map_err(publisher_error)?
            .await // the broker's confirm: the request is safe in the queue
            .map_err(publisher_error)?;
        if confirm.is_nack() {
            return Err(Some("RabbitMQ refused the request (publisher nack)".into()));
        }
        tracing::debug!("published; waiting for the reply");
        match tokio::time::timeout(self.timeout, reply).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(_)) => Err(Some("lost the connection to RabbitMQ".into())),
            Err(_) => Err(None),
        }
    }
}

/// Reads the reply queue and hands each reply to the call waiting for its correlation id.
pub async fn route_replies(mut replies: Consumer, pending: Pending, dropped: Arc<AtomicU64>) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .clone()
            .unwrap_or_default();
        let waiting = pending.lock().await.remove(id.as_str());
        match waiting {
            // The call may have timed out just now; then the reply is dropped with it.
            Some(call) => drop(call.send(reply)),
            // A duplicate (at-least-once) or a late reply: nobody waits for it.
            None => drop(dropped.fetch_add(1, Ordering::Relaxed)),
        }
    }
    // The connection is gone: dropping every waiting sender wakes each call with an error
    // instead of leaving it to wait for its timeout.
    pending.lock().await.clear();
}

/// The [`Processor`] of the pipeline: the `process` queue and its `service1` workers.
pub struct BrokerProcessor(pub Arc<RpcClient>);

impl Processor for BrokerProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, PipelineError> {
        let request = ValueRequest { value };
        self.0.call(WorkQueue::Process, &request, request_id).await
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

/// The [`Transformer`] of the pipeline: the `transform` queue and its `service2` workers.
pub struct BrokerTransformer(pub Arc<RpcClient>);

impl Transformer for BrokerTransformer {
    async fn transform(&self, value: i32, id: &str) -> Result<TransformResult, PipelineError> {
        let request = ValueRequest { value };
        self.0.call(WorkQueue::Transform, &request, id).await
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}
