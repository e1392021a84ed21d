//! The app's one connection to RabbitMQ, set up once: a channel with publisher confirms, the
//! work queues declared, a private reply queue, and the task that routes replies (in `rpc.rs`).

use anyhow::Context;
use common::connect::{self, BrokerArgs};
use common::queues::{self, QueueNames, WorkQueue};
use lapin::message::Delivery;
use lapin::options::{BasicConsumeOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{Channel, Connection, Consumer};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, oneshot};

use crate::rpc::route_replies;

/// Calls waiting for their reply, by correlation id.
pub type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Delivery>>>>;

/// One connection and one channel to RabbitMQ, shared by every call of the app.
pub struct RpcClient {
    /// Held open while the app runs; closing it (on drop, or by the broker) ends the calls.
    _connection: Connection,
    pub(crate) channel: Channel,
    pub(crate) queues: QueueNames,
    pub(crate) reply_queue: ShortString,
    pub(crate) pending: Pending,
    pub(crate) timeout: Duration,
    dropped_replies: Arc<AtomicU64>,
    /// Print which worker answered each call (single runs only: `--repeat` stays quiet).
    pub(crate) chatter: bool,
}

impl RpcClient {
    /// Connects (retrying for a bounded time), declares the queues and this app's reply queue,
    /// and starts the task that routes replies.
    pub async fn connect(
        broker: &BrokerArgs,
        timeout: Duration,
        chatter: bool,
    ) -> anyhow::Result<Self> {
        let connection = connect::connect(broker, &format!("app-{}", std::process::id())).await?;
        let (channel, reply_queue, replies) = open_channel(&connection, &broker.queues)
            .await
            .context("cannot set up the app's queues on RabbitMQ")?;
        let pending = Pending::default();
        let dropped_replies = Arc::new(AtomicU64::new(0));
        let router = route_replies(replies, pending.clone(), dropped_replies.clone());
        // A task: tokio runs `router` alongside the calls, until the connection ends.
        tokio::spawn(router);
        Ok(Self {
            _connection: connection,
            channel,
            queues: broker.queues.clone(),
            reply_queue,
            pending,
            timeout,
            dropped_replies,
            chatter,
        })
    }

    /// Replies that arrived for no waiting call: duplicates (at-least-once) or late ones.
    pub fn dropped_replies(&self) -> u64 {
        self.dropped_replies.load(Ordering::Relaxed)
    }

    /// How many workers consume `queue` right now. A passive declare only asks: it fails if the
    /// queue is missing, and never creates or changes it.
    pub async fn consumer_count(&self, queue: WorkQueue) -> anyhow::Result<u32> {
        let name = self.queues.work_queue(queue);
        let passive = QueueDeclareOptions::durable().passive();
        let (channel, arguments) = (&self.channel, FieldTable::default());
        let declared = channel.queue_declare(name.as_str().into(), passive, arguments);
        let context = || format!("cannot inspect queue \"{name}\"");
        Ok(declared.await.with_context(context)?.consumer_count())
    }
}

/// The channel every call publishes on, with publisher confirms; the private reply queue; and
/// the consumer of that queue.
async fn open_channel(
    connection: &Connection,
    queues: &QueueNames,
) -> lapin::Result<(Channel, ShortString, Consumer)> {
    let channel = connection.create_channel().await?;
    // Publisher confirms: a publish completes only when the broker has taken the message.
    channel.confirm_select(Default::default()).await?;
    queues::declare(&channel, queues).await?;
    // The reply queue: named by the broker (`amq.gen-...`), private to this connection
    // (`exclusive`) and deleted with it, so a crashed app leaves nothing behind.
    let (exclusive, arguments) = (QueueDeclareOptions::exclusive(), FieldTable::default());
    let declared = channel.queue_declare("".into(), exclusive, arguments);
    let reply_queue = declared.await?.name().clone();
    // `no_ack`: a reply is only useful to this process, now; nobody wants it redelivered.
    let no_ack = BasicConsumeOptions {
        no_ack: true,
        ..Default::default()
    };
    let (tag, arguments) = ("".into(), FieldTable::default());
    let replies = channel
        .basic_consume(reply_queue.clone(), tag, no_ack, arguments)
        .await?;
    Ok((channel, reply_queue, replies))
}
