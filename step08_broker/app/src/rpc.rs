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

use crate::pipeline::{PipelineError, Processor, Transformer};
use crate::rpc_client::{Pending, RpcClient};

/// AMQP `delivery_mode` 2: the broker writes the message to disk, so a request waiting in a
/// durable queue survives a broker restart.
const PERSISTENT: u8 = 2;

// `RpcClient` (in rpc_client.rs, skipped) holds the connection's `channel`, the `queues`' names,
// this app's `reply_queue`, the `timeout`, `chatter` (print who answered; off under `--repeat`)
// and `pending`: the calls waiting for a reply, a map from
// correlation id to the sending end of a `oneshot` channel (a channel for one value). `Arc`
// shares that map with `route_replies`, the task `RpcClient::connect` starts, and its async
// `Mutex` lets one task use it at a time (`.lock().await` waits for the turn).
impl RpcClient {
    /// One call: publish `request` to `queue`, wait for the reply, decode it.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: WorkQueue,
        request: &ValueRequest,
        request_id: &str,
    ) -> Result<T, PipelineError> {
        // The queue's name on the broker: `QUEUE_PREFIX` + "process" or "transform".
        let queue_name = self.queues.work_queue(queue);
        let stage = format!("the worker on queue \"{queue_name}\"");
        // Unique to this call (one per queue per pipeline), and both workers log it.
        let correlation_id = format!("{request_id}/{}", queue.name());

        // Waiting starts before publishing: a fast reply must find this call in `pending`.
        let (sender, receiver) = oneshot::channel();
        self.pending
            .lock()
            .await
            .insert(correlation_id.clone(), sender);
        // Just `publish_and_wait(...).await`, on two lines (rustfmt would make it three).
        let answer = self.publish_and_wait(&queue_name, &stage, request, &correlation_id, receiver);
        let answer = answer.await;
        // However the call ended, nobody waits for its reply now: a late one counts as dropped.
        self.pending.lock().await.remove(&correlation_id);
        let reply = answer?;

        if self.chatter {
            let worker = reply.properties.app_id().clone().unwrap_or_default(); // set by the worker
            println!("        [RabbitMQ] {} answered by {worker}", queue.name());
        }
        // `Reply` (common/src/lib.rs) has no tag: serde tries `Ok(T)`, whose fields
        // (`{"value":84,...}`) must all be there, then `Err`, which needs `{"error":"..."}`.
        match serde_json::from_slice::<Reply<T>>(&reply.data) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error }) => Err(PipelineError::Rejected {
                stage,
                message: error,
            }),
            Err(error) => Err(PipelineError::Failed {
                stage,
                cause: format!("its reply is not valid: {error}"),
            }),
        }
    }

    /// Publishes the request, waits for the broker's confirm, then for the reply that
    /// `route_replies` hands over through `reply`.
    async fn publish_and_wait(
        &self,
        queue: &str,
        stage: &str,
        request: &ValueRequest,
        correlation_id: &str,
        reply: oneshot::Receiver<Delivery>,
    ) -> Result<Delivery, PipelineError> {
        let failed = |cause: String| PipelineError::Failed {
            stage: stage.into(),
            cause,
        };
        let body = serde_json::to_vec(request).expect("a plain struct always serializes");
        let properties = BasicProperties::default()
            .with_delivery_mode(PERSISTENT)
            .with_content_type("application/json".into())
            .with_reply_to(self.reply_queue.clone())
            .with_correlation_id(correlation_id.into());
        let publisher_error = |e: lapin::Error| failed(format!("cannot publish the request: {e}"));
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
            return Err(failed(
                "RabbitMQ refused the request (publisher nack)".into(),
            ));
        }
        tracing::debug!(correlation_id, "published; waiting for the reply");
        match tokio::time::timeout(self.timeout, reply).await {
            // `route_replies` sent us the reply in time.
            Ok(Ok(reply)) => Ok(reply),
            // `route_replies` dropped our sender unused: it stopped, the connection is gone.
            Ok(Err(_)) => Err(failed("lost the connection to RabbitMQ".into())),
            // The timeout came first.
            Err(_) => Err(PipelineError::TimedOut {
                stage: stage.into(),
                waited: self.timeout,
            }),
        }
    }
}

/// Reads the reply queue and hands each reply to the call waiting for its correlation id.
/// `dropped` counts the others; `fetch_add(1, Relaxed)` adds one to that counter, which tasks
/// share without a lock (an atomic integer).
pub async fn route_replies(mut replies: Consumer, pending: Pending, dropped: Arc<AtomicU64>) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .clone()
            .unwrap_or_default();
        let waiting = pending.lock().await.remove(id.as_str());
        // `_ =` discards what each returns: nothing to do with it.
        match waiting {
            // The call may have timed out just now; then `send` fails and the reply is dropped.
            Some(call) => _ = call.send(reply),
            // A duplicate (at-least-once) or a late reply: nobody waits for it.
            None => _ = dropped.fetch_add(1, Ordering::Relaxed),
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
