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

use anyhow::Context;
use common::connect::{self, BrokerArgs};
use common::queues::{self, QueueNames, WorkQueue};
use common::{ProcessResult, Reply, TransformResult, ValueRequest};
use lapin::message::Delivery;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, Consumer};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_stream::StreamExt;
use tracing::Instrument;

use crate::pipeline::{PipelineError, Processor, Transformer};

/// AMQP `delivery_mode` 2: the broker writes the message to disk, so a request waiting in a
/// durable queue survives a broker restart.
const PERSISTENT: u8 = 2;

/// Calls waiting for their reply, by correlation id.
type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Delivery>>>>;

/// One connection and one channel to RabbitMQ, shared by every call of the app.
pub struct RpcClient {
    connection: Connection,
    channel: Channel,
    queues: QueueNames,
    reply_queue: ShortString,
    pending: Pending,
    /// Ends every correlation id, so two calls never share one.
    next_call: AtomicU64,
    timeout: Duration,
    dropped_replies: Arc<AtomicU64>,
}

impl RpcClient {
    /// Connects (retrying for a bounded time), declares the queues and this app's reply queue,
    /// and starts the task that routes replies.
    pub async fn connect(broker: &BrokerArgs, timeout: Duration) -> anyhow::Result<Self> {
        let name = format!("app-{}", std::process::id());
        let connection = connect::connect(broker, &name).await?;
        let at = broker.display_addr();
        let channel = connection
            .create_channel()
            .await
            .context("cannot open a channel")?;
        // Publisher confirms: a publish completes only when the broker has taken the message.
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .context("cannot enable publisher confirms")?;
        queues::declare(&channel, &broker.queues)
            .await
            .with_context(|| format!("cannot declare the queues on {at}"))?;

        // The reply queue: named by the broker (`amq.gen-...`), private to this connection
        // (`exclusive`) and deleted with it, so a crashed app leaves nothing behind.
        let reply_queue = channel
            .queue_declare(
                "".into(),
                QueueDeclareOptions::exclusive(),
                FieldTable::default(),
            )
            .await
            .context("cannot declare the reply queue")?
            .name()
            .clone();
        // `no_ack`: a reply is only useful to this process, now; nobody wants it redelivered.
        let no_ack = BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        };
        let replies = channel
            .basic_consume(
                reply_queue.clone(),
                "".into(),
                no_ack,
                FieldTable::default(),
            )
            .await
            .context("cannot consume the reply queue")?;

        let pending = Pending::default();
        let dropped_replies = Arc::new(AtomicU64::new(0));
        tokio::spawn(route_replies(
            replies,
            pending.clone(),
            dropped_replies.clone(),
        ));
        Ok(Self {
            connection,
            channel,
            queues: broker.queues.clone(),
            reply_queue,
            pending,
            next_call: AtomicU64::new(1),
            timeout,
            dropped_replies,
        })
    }

    /// Sends `request` to `queue` and waits for the reply, at most the configured timeout.
    /// Returns the decoded result and the name of the worker that answered.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: WorkQueue,
        request: &ValueRequest,
        request_id: &str,
    ) -> Result<(T, String), PipelineError> {
        let queue = self.queues.work_queue(queue);
        let stage = format!("the worker on queue \"{queue}\"");
        let fail = |cause: Box<dyn std::error::Error + Send + Sync>| PipelineError::Failed {
            stage: stage.clone(),
            cause,
        };
        // Unique to this call, and it starts with the pipeline's id, which both workers log.
        let n = self.next_call.fetch_add(1, Ordering::Relaxed);
        let correlation_id = format!("{request_id}/{n}");
        let span = tracing::debug_span!("call", correlation_id = %correlation_id);
        let (sender, receiver) = oneshot::channel();
        lock(&self.pending).insert(correlation_id.clone(), sender);
        // However this call ends (error, timeout, the caller dropping it), its entry must go:
        // a late reply then counts as dropped.
        let _forget = Forget {
            pending: &self.pending,
            id: &correlation_id,
        };

        let body = serde_json::to_vec(request).map_err(|e| fail(e.into()))?;
        let properties = BasicProperties::default()
            .with_delivery_mode(PERSISTENT)
            .with_content_type("application/json".into())
            .with_reply_to(self.reply_queue.clone())
            .with_correlation_id(correlation_id.as_str().into());
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
            .map_err(|e| fail(e.into()))?
            .await // the broker's confirm: the request is safe in the queue
            .map_err(|e| fail(e.into()))?;
        if confirm.is_nack() {
            return Err(fail("RabbitMQ refused the request (publisher nack)".into()));
        }

        tracing::debug!(parent: &span, "published; waiting for the reply");
        let reply = match tokio::time::timeout(self.timeout, receiver)
            .instrument(span)
            .await
        {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => return Err(fail("lost the connection to RabbitMQ".into())),
            Err(_) => {
                return Err(PipelineError::TimedOut {
                    stage,
                    waited: self.timeout,
                });
            }
        };
        let worker = reply
            .properties
            .app_id()
            .as_ref()
            .map_or("?", |id| id.as_str());
        match serde_json::from_slice::<Reply<T>>(&reply.data) {
            Ok(Reply::Ok(result)) => Ok((result, worker.to_string())),
            Ok(Reply::Err { error }) => Err(PipelineError::Rejected {
                stage,
                message: error,
            }),
            Err(error) => Err(fail(error.into())),
        }
    }

    /// Replies that arrived for no waiting call: duplicates (at-least-once) or late ones.
    pub fn dropped_replies(&self) -> u64 {
        self.dropped_replies.load(Ordering::Relaxed)
    }

    /// How many workers consume `queue` right now.
    pub async fn consumer_count(&self, queue: WorkQueue) -> anyhow::Result<u32> {
        let name = self.queues.work_queue(queue);
        queues::consumer_count(&self.channel, name)
            .await
            .with_context(|| format!("cannot inspect queue \"{name}\""))
    }

    /// A request waits in its queue until a worker takes it, so an absent worker is not an
    /// error; but the reader should know why nothing happens yet.
    pub async fn say_if_no_worker(&self) -> anyhow::Result<()> {
        for (queue, package) in [
            (WorkQueue::Process, "service1"),
            (WorkQueue::Transform, "service2"),
        ] {
            if self.consumer_count(queue).await? == 0 {
                let name = self.queues.work_queue(queue);
                tracing::warn!(
                    "no worker consumes \"{name}\" yet: waiting for one (start it with \
                     `cargo run -p {package}`); requests wait in the queue meanwhile"
                );
            }
        }
        Ok(())
    }

    /// Closes the channel and the connection (the reply queue goes with them), bounded in time.
    pub async fn close(&self) {
        let limit = Duration::from_secs(5);
        let _ = tokio::time::timeout(limit, self.channel.close(200, "app done".into())).await;
        let _ = tokio::time::timeout(limit, self.connection.close(200, "app done".into())).await;
    }
}

/// Reads the reply queue and hands each reply to the call waiting for its correlation id.
async fn route_replies(mut replies: Consumer, pending: Pending, dropped: Arc<AtomicU64>) {
    while let Some(Ok(reply)) = replies.next().await {
        let id = reply
            .properties
            .correlation_id()
            .as_ref()
            .map(|id| id.to_string());
        match id.and_then(|id| lock(&pending).remove(&id)) {
            // The call may have timed out just now; then the reply is dropped with it.
            Some(call) => drop(call.send(reply)),
            // A duplicate (at-least-once) or a late reply: nobody waits for it.
            None => drop(dropped.fetch_add(1, Ordering::Relaxed)),
        }
    }
    // The connection is gone: dropping every waiting sender wakes each call with an error
    // instead of leaving it to wait for its timeout.
    lock(&pending).clear();
}

/// Removes a call's entry from the pending map when the call ends, however it ends.
struct Forget<'a> {
    pending: &'a Pending,
    id: &'a str,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        lock(self.pending).remove(self.id);
    }
}

/// A poisoned lock only means another task panicked while holding it; the map itself is still
/// consistent (every operation on it is a single insert or remove), so keep going.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The [`Processor`] of the pipeline: the `process` queue and its `service1` workers.
pub struct BrokerProcessor {
    pub client: Arc<RpcClient>,
    /// Print which worker answered (single runs only: `--repeat` stays quiet).
    pub chatter: bool,
}

impl Processor for BrokerProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, PipelineError> {
        let request = ValueRequest { value };
        let (result, worker) = self
            .client
            .call(WorkQueue::Process, &request, request_id)
            .await?;
        if self.chatter {
            println!("        [RabbitMQ] process answered by {worker}");
        }
        Ok(result)
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        data.processed && data.value >= 0
    }
}

/// The [`Transformer`] of the pipeline: the `transform` queue and its `service2` workers.
pub struct BrokerTransformer {
    pub client: Arc<RpcClient>,
    pub chatter: bool,
}

impl Transformer for BrokerTransformer {
    async fn transform(
        &self,
        value: i32,
        request_id: &str,
    ) -> Result<TransformResult, PipelineError> {
        let request = ValueRequest { value };
        let (result, worker) = self
            .client
            .call(WorkQueue::Transform, &request, request_id)
            .await?;
        if self.chatter {
            println!("        [RabbitMQ] transform answered by {worker}");
        }
        Ok(result)
    }

    fn analyze(&self, data: &TransformResult) -> String {
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}
