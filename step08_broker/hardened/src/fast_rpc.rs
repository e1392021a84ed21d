//! `SharedRpcClient`: the lesson's `RpcClient` calls on ONE channel and ONE reply consumer, made
//! at connect. The lesson opens a channel per call (create it, declare the queue, consume the
//! direct reply-to address, publish, close it as it drops it): four more round trips to the broker
//! than the call itself. Here a background task reads every reply and hands it, by its
//! `correlation_id`, to the call that waits for it. See DESIGN.md, "Direct reply-to".

use app::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use common::broker::{self, consume_no_ack, declare_queue, publish};
use common::{PROCESS_QUEUE, Reply, TRANSFORM_QUEUE, ValueRequest};
use lapin::{BasicProperties, Channel, Connection, Consumer};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_stream::StreamExt;

/// RabbitMQ's direct reply-to: a reply sent here goes straight back to the channel that asked.
const DIRECT_REPLY_TO: &str = "amq.rabbitmq.reply-to";

/// A reply's body, or why none will come.
type ReplyBody = Result<Vec<u8>, String>;

/// The calls waiting for a reply, by correlation id. A std `Mutex`: held for one map operation,
/// never across an `.await`.
#[derive(Default)]
struct Waiting(Mutex<HashMap<String, oneshot::Sender<ReplyBody>>>);

impl Waiting {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<ReplyBody>>> {
        // A panic while holding the lock leaves the map consistent (one insert or remove).
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Removes its call's entry when the call ends, however it ends (reply, timeout, error, or its
/// future dropped): a reply that comes later finds no entry and is dropped.
struct Entry<'a> {
    waiting: &'a Waiting,
    correlation_id: String,
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        self.waiting.map().remove(&self.correlation_id);
    }
}

/// Both stages, `Processor` and `Transformer`, over one connection, one channel and one reply
/// consumer, shared by every call (and by concurrent calls).
pub struct SharedRpcClient {
    connection: Connection,
    channel: Channel,
    waiting: Arc<Waiting>,
    next_call: AtomicU64,
    reply_timeout: Duration,
    router: JoinHandle<()>,
}

impl SharedRpcClient {
    /// Connects, declares both queues and starts consuming replies. Each call waits at most
    /// `reply_timeout` for its reply.
    pub async fn connect(reply_timeout: Duration) -> Result<SharedRpcClient, String> {
        let connection = broker::connect(&format!("app-{}", std::process::id())).await?;
        let failed = |error: lapin::Error| format!("cannot set up the app on RabbitMQ: {error}");
        let channel = connection.create_channel().await.map_err(failed)?;
        for queue in [PROCESS_QUEUE, TRANSFORM_QUEUE] {
            declare_queue(&channel, queue).await.map_err(failed)?;
        }
        // Direct reply-to's rules: consume before publishing, without acks, on the channel that
        // publishes. One consumer for the client's life, not one per call.
        let replies = consume_no_ack(&channel, DIRECT_REPLY_TO).await;
        let replies = replies.map_err(failed)?;
        let waiting = Arc::new(Waiting::default());
        let router = tokio::spawn(route_replies(replies, Arc::clone(&waiting)));
        Ok(SharedRpcClient {
            connection,
            channel,
            waiting,
            next_call: AtomicU64::new(0),
            reply_timeout,
            router,
        })
    }

    /// One call, as the lesson's `RpcClient::call`: publish `{"value": value}` to `queue`, wait
    /// for the reply, decode it. Its correlation id is `{request_id}/{n}`, unique in this client
    /// (the workers log it, so their lines still start with the request id).
    pub async fn call<T: DeserializeOwned>(
        &self,
        queue: &str,
        value: i32,
        request_id: &str,
    ) -> Result<T, CallError> {
        let waited = self.reply_timeout;
        let component = format!("the worker on queue \"{queue}\"");
        let body = serde_json::to_vec(&ValueRequest { value }).expect("a plain struct serializes");
        let n = self.next_call.fetch_add(1, Ordering::Relaxed);
        let correlation_id = format!("{request_id}/{n}");
        let properties = BasicProperties::default()
            .with_reply_to(DIRECT_REPLY_TO.into())
            .with_correlation_id(correlation_id.as_str().into())
            // Still queued when we stop waiting: dropped, so that no worker answers it in vain.
            .with_expiration(waited.as_millis().to_string().into());
        let (sender, receiver) = oneshot::channel();
        self.waiting.map().insert(correlation_id.clone(), sender);
        let _entry = Entry {
            waiting: &self.waiting,
            correlation_id,
        };
        let unavailable = |reason: String| CallError::Unavailable {
            component: component.clone(),
            reason,
        };
        let published = publish(&self.channel, queue, &body, properties).await;
        published.map_err(|error| unavailable(error.to_string()))?;
        let reply = match tokio::time::timeout(waited, receiver).await {
            Err(_) => return Err(CallError::TimedOut { component, waited }),
            Ok(Ok(Ok(reply))) => reply,
            Ok(Ok(Err(reason))) => return Err(unavailable(reason)),
            // The router ended without answering this call: the consumer is gone.
            Ok(Err(_)) => return Err(unavailable("lost the connection to RabbitMQ".into())),
        };
        // Sorted as the lesson's `RpcClient::call` sorts it; `tests/shared_rpc.rs` holds the two
        // clients' errors to the same words.
        match serde_json::from_slice(&reply) {
            Ok(Reply::Ok(result)) => Ok(result),
            Ok(Reply::Err { error: reason }) => Err(CallError::Rejected { component, reason }),
            Err(error) => Err(CallError::Unavailable {
                component,
                reason: format!("its reply is not valid: {error}"),
            }),
        }
    }

    /// How many calls wait for a reply now: 0 once every call has returned.
    pub fn waiting_calls(&self) -> usize {
        self.waiting.map().len()
    }

    pub async fn close(self) {
        let _ = self.channel.close(200, "done".into()).await; // 200: AMQP's "closed normally"
        let _ = self.connection.close(200, "done".into()).await;
        self.router.abort();
    }
}

/// The background task: each reply to the waiting call its `correlation_id` names. A reply
/// nobody waits for (late, after a timeout, or a second answer to one request) is dropped.
async fn route_replies(mut replies: Consumer, waiting: Arc<Waiting>) {
    let reason = loop {
        match replies.next().await {
            Some(Ok(reply)) => {
                let id = reply.properties.correlation_id().as_ref();
                let sender = id.and_then(|id| waiting.map().remove(id.as_str()));
                if let Some(sender) = sender {
                    let _ = sender.send(Ok(reply.data)); // its caller may have just given up
                }
            }
            Some(Err(error)) => break error.to_string(),
            None => break "lost the connection to RabbitMQ".to_string(),
        }
    };
    // No more replies will come: every waiting call learns it now, not at its timeout.
    let senders: Vec<_> = waiting.map().drain().map(|(_, sender)| sender).collect();
    for sender in senders {
        let _ = sender.send(Err(reason.clone()));
    }
}

impl Processor for SharedRpcClient {
    async fn process(&self, value: i32, id: &str) -> Result<ProcessResult, CallError> {
        self.call(PROCESS_QUEUE, value, id).await
    }
}

impl Transformer for SharedRpcClient {
    async fn transform(&self, value: i32, id: &str) -> Result<TransformResult, CallError> {
        self.call(TRANSFORM_QUEUE, value, id).await
    }
}
