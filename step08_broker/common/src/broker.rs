//! Reaching RabbitMQ, for the app and the workers: lapin's calls with the options this step uses.

use lapin::message::Delivery;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, BasicQosOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, Consumer};
use std::time::Duration;
use tokio_stream::StreamExt; // a `Consumer` is a stream: an iterator whose items are awaited

/// `queue`'s name on the broker: after `QUEUE_PREFIX`, which tests set to keep their queues apart.
/// RabbitMQ's own names (`amq.`..., such as a reply-to address) stay as they are.
pub fn queue_name(queue: &str) -> String {
    if queue.starts_with("amq.") {
        return queue.to_string();
    }
    let prefix = std::env::var("QUEUE_PREFIX").unwrap_or_default();
    format!("{prefix}{queue}")
}

/// Connects to RabbitMQ at `AMQP_ADDR` (default: this machine), or says in one line how to start
/// it. `name`: the connection's name in RabbitMQ's web UI.
pub async fn connect(name: &str) -> Result<Connection, String> {
    let addr = std::env::var("AMQP_ADDR").unwrap_or("amqp://127.0.0.1:5672".into());
    if queue_name("").len() > 200 {
        // lapin panics on a name over 255 bytes (AMQP's limit): refuse the prefix first.
        return Err("QUEUE_PREFIX is too long: at most 200 bytes".into());
    }
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let attempt = Connection::connect(&addr, properties);
    let cause = match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(connection)) => return Ok(connection),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer within 5 s".into(),
    };
    let start = "docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:4-management";
    let again = "or, if you made it before, `docker start rabbitmq`";
    let reason = format!("cannot reach RabbitMQ at {addr} ({cause})");
    Err(format!("{reason}; start one with `{start}`, {again}"))
}

/// Creates `queue` unless it exists; `durable`: it outlives a restart of RabbitMQ.
pub async fn declare_queue(channel: &Channel, queue: &str) -> lapin::Result<()> {
    let (queue, options) = (queue_name(queue), QueueDeclareOptions::durable());
    let declare = channel.queue_declare(queue.into(), options, FieldTable::default());
    declare.await?;
    Ok(())
}

/// Takes the messages in `queue`, one unacked at a time (prefetch 1: a busy worker holds no
/// request another could take); RabbitMQ keeps each until it is acked.
pub async fn consume_with_acks(channel: &Channel, queue: &str) -> lapin::Result<Consumer> {
    channel.basic_qos(1, BasicQosOptions::default()).await?;
    consume(channel, queue, BasicConsumeOptions::default()).await
}

/// Takes the messages in `queue`; RabbitMQ forgets each as it hands it over.
pub async fn consume_no_ack(channel: &Channel, queue: &str) -> lapin::Result<Consumer> {
    let options = BasicConsumeOptions {
        no_ack: true,
        ..Default::default()
    };
    consume(channel, queue, options).await
}

async fn consume(
    channel: &Channel,
    queue: &str,
    options: BasicConsumeOptions,
) -> lapin::Result<Consumer> {
    let (queue, tag) = (queue_name(queue), ""); // no tag: RabbitMQ names the consumer
    let consume = channel.basic_consume(queue.into(), tag.into(), options, FieldTable::default());
    consume.await
}

/// The next message that `consume` took, or an error once RabbitMQ has ended the consumer.
pub async fn next_message(consumer: &mut Consumer) -> lapin::Result<Delivery> {
    match consumer.next().await {
        Some(message) => message,
        None => Err(std::io::Error::other("RabbitMQ ended the consumer").into()),
    }
}

/// Puts `body` in `queue` (through `""`, RabbitMQ's default route: to the queue of that name).
pub async fn publish(
    channel: &Channel,
    queue: &str,
    body: &[u8],
    properties: BasicProperties,
) -> lapin::Result<()> {
    let (queue, options) = (queue_name(queue), BasicPublishOptions::default());
    let publish = channel.basic_publish("".into(), queue.into(), options, body, properties);
    publish.await?;
    Ok(())
}
