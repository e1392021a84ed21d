//! The broker side of the contract: [`BrokerProcessor`] and [`BrokerTransformer`] implement the
//! pipeline's traits with request/reply over RabbitMQ, the app's side of every call to a worker.
//!
//! A call publishes `{"value": N}` to a work queue with two properties: `reply_to`, the name of
//! this app's private reply queue, and `correlation_id`, a name unique to this call that starts
//! with the pipeline's request id (the worker logs it, so one pipeline can be followed). The
//! worker publishes its reply to `reply_to` with the same `correlation_id`. One task reads the
//! reply queue and hands each reply to the call waiting for that id.
//!
//! Delivery is at-least-once (see `common::worker`), so the same reply can arrive twice. It can
//! also arrive after its call gave up waiting. Both are "a reply nobody waits for": the task
//! counts it and drops it, and nothing else happens.

use common::connect::{self, BrokerConfig};
use common::queues::{self, QueueNames, WorkQueue};
use common::{ProcessResult, Reply, TransformResult};
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio_stream::StreamExt;

use crate::pipeline::{Processor, Transformer};

/// AMQP `delivery_mode` 2: the broker writes the message to disk, so a request waiting in a
/// durable queue survives a broker restart.
const PERSISTENT: u8 = 2;

/// Why one pipeline call failed. From step 05 on, failure is part of the contract: a call that
/// crosses a process or a network can fail for reasons that have nothing to do with the code.
#[derive(Debug, Clone, PartialEq)]
pub enum PipelineError {
    /// The worker answered with `{"error": ...}` (for example an overflow).
    Rejected { queue: String, message: String },
    /// No reply came in time.
    TimedOut { queue: String, seconds: u64 },
    /// The broker side failed: publishing, a refused publish, a lost connection.
    Broker(String),
    /// A reply arrived but is not a reply of the expected shape.
    BadReply { queue: String, cause: String },
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected { queue, message } => {
                write!(f, "the worker on queue \"{queue}\" answered: {message}")
            }
            Self::TimedOut { queue, seconds } => write!(
                f,
                "no reply from queue \"{queue}\" within {seconds} s: is a worker for it running? \
                 (raise the limit with --timeout SECONDS)"
            ),
            Self::Broker(message) => f.write_str(message),
            Self::BadReply { queue, cause } => {
                write!(f, "the reply from queue \"{queue}\" is not valid: {cause}")
            }
        }
    }
}

impl std::error::Error for PipelineError {}

/// A reply as it came back: the body, and which worker sent it (its `app_id` property).
struct RawReply {
    body: Vec<u8>,
    worker: String,
}

/// Calls waiting for their reply, by correlation id.
type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<RawReply>>>>;

/// One connection and one channel to RabbitMQ, shared by every call of the app.
pub struct RpcClient {
    connection: Connection,
    channel: Channel,
    queues: QueueNames,
    reply_queue: ShortString,
    pending: Pending,
    /// Ends every correlation id, so two calls never share one even if a caller reuses a
    /// request id.
    next_id: AtomicU64,
    timeout: Duration,
    dropped_replies: Arc<AtomicU64>,
}

impl RpcClient {
    /// Connects (retrying for a bounded time), declares the topology and the private reply
    /// queue, and starts the task that routes replies.
    pub async fn connect(config: &BrokerConfig, timeout: Duration) -> Result<Self, String> {
        let name = format!("app-{}", std::process::id());
        let connection = connect::connect(config, &name)
            .await
            .map_err(|e| e.to_string())?;
        let broker_error = |what: &str, e: lapin::Error| {
            format!("{what} on RabbitMQ at {}: {e}", config.display_addr())
        };
        let channel = connection
            .create_channel()
            .await
            .map_err(|e| broker_error("cannot open a channel", e))?;
        // Publisher confirms: a publish completes only when the broker has taken the message
        // (and, for a persistent one in a durable queue, written it to disk).
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .map_err(|e| broker_error("cannot enable publisher confirms", e))?;
        queues::declare(&channel, &config.queues)
            .await
            .map_err(|e| broker_error("cannot declare the queues", e))?;

        // The reply queue: named by the broker (`amq.gen-...`), private to this connection
        // (`exclusive`) and deleted with it, so a crashed app leaves nothing behind.
        let reply_queue = channel
            .queue_declare(
                "".into(),
                QueueDeclareOptions::exclusive().auto_delete(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| broker_error("cannot declare the reply queue", e))?
            .name()
            .clone();
        // `no_ack`: a reply is only useful to this process right now; if the app dies, nobody
        // wants it redelivered.
        let mut replies = channel
            .basic_consume(
                reply_queue.clone(),
                "".into(),
                BasicConsumeOptions {
                    no_ack: true,
                    ..BasicConsumeOptions::default()
                },
                FieldTable::default(),
            )
            .await
            .map_err(|e| broker_error("cannot consume the reply queue", e))?;

        let pending: Pending = Arc::default();
        let dropped_replies = Arc::new(AtomicU64::new(0));
        let (routing_pending, routing_dropped) = (pending.clone(), dropped_replies.clone());
        tokio::spawn(async move {
            while let Some(Ok(delivery)) = replies.next().await {
                let id = delivery
                    .properties
                    .correlation_id()
                    .as_ref()
                    .map(|id| id.to_string());
                let waiting = id.and_then(|id| lock(&routing_pending).remove(&id));
                match waiting {
                    Some(call) => {
                        let worker = delivery
                            .properties
                            .app_id()
                            .as_ref()
                            .map_or_else(|| "an unnamed worker".to_string(), |id| id.to_string());
                        // The call may have timed out just now; then the reply is dropped.
                        let _ = call.send(RawReply {
                            body: delivery.data,
                            worker,
                        });
                    }
                    None => {
                        routing_dropped.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            // The connection is gone: dropping every waiting sender wakes every call with an
            // error instead of leaving it to wait for its timeout.
            lock(&routing_pending).clear();
        });

        Ok(Self {
            connection,
            channel,
            queues: config.queues.clone(),
            reply_queue,
            pending,
            next_id: AtomicU64::new(1),
            timeout,
            dropped_replies,
        })
    }

    /// The name of a work queue, as this app sees it (with its prefix).
    pub fn queue_name(&self, queue: WorkQueue) -> &str {
        self.queues.work_queue(queue)
    }

    /// How many workers consume `queue` right now.
    pub async fn consumer_count(&self, queue: WorkQueue) -> Result<u32, String> {
        let name = self.queue_name(queue);
        queues::consumer_count(&self.channel, name)
            .await
            .map_err(|e| format!("cannot inspect queue \"{name}\": {e}"))
    }

    /// Replies that arrived for no waiting call: duplicates (at-least-once) or late ones.
    pub fn dropped_replies(&self) -> u64 {
        self.dropped_replies.load(Ordering::Relaxed)
    }

    /// Sends `{"value": value}` to `queue` and waits for the reply, at most the configured
    /// timeout. Returns the decoded result and the id of the worker that answered.
    ///
    /// The correlation id is `<request_id>/<n>`: unique to this call, and it starts with the
    /// pipeline's request id, which the worker logs with it.
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: WorkQueue,
        value: i32,
        request_id: &str,
    ) -> Result<(T, String), PipelineError> {
        let queue_name = self.queue_name(queue).to_string();
        let id = format!(
            "{request_id}/{}",
            self.next_id.fetch_add(1, Ordering::Relaxed)
        );
        let (sender, receiver) = oneshot::channel();
        lock(&self.pending).insert(id.clone(), sender);
        // Whatever happens next (error, timeout, the caller dropping this future), the entry
        // must not stay in the map: a late reply then counts as dropped, as it should.
        let _forget = Forget {
            pending: &self.pending,
            id: &id,
        };

        let body = format!(r#"{{"value":{value}}}"#);
        let properties = BasicProperties::default()
            .with_delivery_mode(PERSISTENT)
            .with_content_type("application/json".into())
            .with_reply_to(self.reply_queue.clone())
            .with_correlation_id(id.as_str().into());
        let broker = |e: lapin::Error| {
            PipelineError::Broker(format!("cannot publish to queue \"{queue_name}\": {e}"))
        };
        let confirmation = self
            .channel
            .basic_publish(
                "".into(),
                queue_name.as_str().into(),
                BasicPublishOptions::default(),
                body.as_bytes(),
                properties,
            )
            .await
            .map_err(broker)?
            .await
            .map_err(broker)?;
        if confirmation.is_nack() {
            return Err(PipelineError::Broker(format!(
                "RabbitMQ refused the request on queue \"{queue_name}\" (publisher nack)"
            )));
        }

        let reply = match tokio::time::timeout(self.timeout, receiver).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => {
                return Err(PipelineError::Broker(format!(
                    "lost the connection to RabbitMQ while waiting for a reply from queue \
                     \"{queue_name}\""
                )));
            }
            Err(_) => {
                return Err(PipelineError::TimedOut {
                    queue: queue_name,
                    seconds: self.timeout.as_secs(),
                });
            }
        };
        match serde_json::from_slice::<Reply<T>>(&reply.body) {
            Ok(Reply::Ok(result)) => Ok((result, reply.worker)),
            Ok(Reply::Err(error)) => Err(PipelineError::Rejected {
                queue: queue_name,
                message: error.error,
            }),
            Err(e) => Err(PipelineError::BadReply {
                queue: queue_name,
                cause: e.to_string(),
            }),
        }
    }

    /// Closes the channel and the connection (the reply queue goes with them), bounded in time.
    pub async fn close(&self) {
        let limit = Duration::from_secs(5);
        let _ = tokio::time::timeout(limit, self.channel.close(200, "app done".into())).await;
        let _ = tokio::time::timeout(limit, self.connection.close(200, "app done".into())).await;
    }
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

/// A poisoned lock only means another task panicked while holding it; the map itself is
/// still consistent (every operation on it is a single insert or remove), so keep going.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The [`Processor`] of the pipeline, backed by the `process` queue and its `service1` workers.
#[derive(Clone)]
pub struct BrokerProcessor {
    pub client: Arc<RpcClient>,
    /// Print which worker answered (single runs only: `--repeat` stays quiet).
    pub chatter: bool,
}

impl Processor for BrokerProcessor {
    async fn process(&self, value: i32, request_id: &str) -> Result<ProcessResult, PipelineError> {
        let (result, worker) = self
            .client
            .call(WorkQueue::Process, value, request_id)
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

/// The [`Transformer`] of the pipeline, backed by the `transform` queue and its `service2` workers.
#[derive(Clone)]
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
        let (result, worker) = self
            .client
            .call(WorkQueue::Transform, value, request_id)
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
