//! RabbitMQ for the app and the workers: connect, declare a queue, and the workers' loop: take a
//! request, compute, publish the reply to `reply_to`, and only then acknowledge (ack) it. A worker
//! that dies before the ack leaves the request to another: nothing is lost, but it may run twice.

use crate::{Reply, ValueRequest};
use lapin::options::{BasicAckOptions, BasicConsumeOptions};
use lapin::options::{BasicQosOptions, BasicRejectOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, message::Delivery};
use serde::Serialize;
use std::{fmt::Display, time::Duration};
use tokio_stream::StreamExt;

/// The one command that starts a RabbitMQ here, for the error that says none answers.
pub const START_RABBITMQ: &str =
    "docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:4-management";

/// Connects to RabbitMQ at `AMQP_ADDR` (default: this machine, vhost `/`, written `%2f`).
pub async fn connect(name: &str) -> Result<Connection, String> {
    let addr = std::env::var("AMQP_ADDR").unwrap_or("amqp://127.0.0.1:5672/%2f".into());
    let prefix = crate::queue_name("").len(); // AMQP names have at most 255 bytes
    if prefix > 200 {
        return Err(format!(
            "QUEUE_PREFIX is {prefix} bytes long; keep it under 200"
        ));
    }
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    let attempt = Connection::connect(&addr, properties);
    let cause = match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(connection)) => return Ok(connection),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer within 5 s".into(),
    };
    Err(format!(
        "cannot reach RabbitMQ at {addr} ({cause}); start one with `{START_RABBITMQ}`"
    ))
}

/// Creates `queue` unless it exists (both sides do: whoever starts first); `durable`: the queue
/// outlives a broker restart.
pub async fn declare_queue(channel: &Channel, queue: &str) -> lapin::Result<()> {
    let durable = QueueDeclareOptions {
        durable: true,
        ..Default::default()
    };
    channel
        .queue_declare(queue.into(), durable, FieldTable::default())
        .await?;
    Ok(())
}

/// A worker's life: connect, declare `queue`, answer its requests; returns only with an error.
pub async fn run_worker<T: Serialize, E: Display>(
    name: &str,
    queue: &str,
    compute: impl Fn(i32) -> Result<T, E>,
) -> Result<(), String> {
    let id = format!("{name}-{}", std::process::id());
    let connection = connect(&id).await?;
    let failed = |error: lapin::Error| format!("{id} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, queue).await.map_err(failed)?;
    // Prefetch 1: one unacked request at a time, as it handles them; more would wait here idle.
    channel
        .basic_qos(1, BasicQosOptions::default())
        .await
        .map_err(failed)?;
    let (tag, options) = (id.as_str().into(), BasicConsumeOptions::default()); // acks by hand
    let consume = channel.basic_consume(queue.into(), tag, options, FieldTable::default());
    let mut requests = consume.await.map_err(failed)?;
    eprintln!("{id}: waiting for requests on queue \"{queue}\"");
    while let Some(delivery) = requests.next().await {
        answer(&channel, delivery.map_err(failed)?, &compute, &id)
            .await
            .map_err(failed)?;
    }
    Err(format!(
        "{id}: the broker stopped the consumer of queue \"{queue}\""
    ))
}

/// Where to reply, the call's id, and the value; `None` if the message is not a request.
pub fn read_request(delivery: &Delivery) -> Option<(ShortString, ShortString, i32)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let properties = &delivery.properties;
    Some((
        properties.reply_to().clone()?,
        properties.correlation_id().clone()?,
        request.value,
    ))
}

/// One message: compute, reply, then ack. Not a request: rejected, not requeued (dropped).
pub async fn answer<T: Serialize, E: Display>(
    channel: &Channel,
    delivery: Delivery,
    compute: &impl Fn(i32) -> Result<T, E>,
    id: &str,
) -> lapin::Result<()> {
    let Some((reply_to, correlation_id, value)) = read_request(&delivery) else {
        let body = String::from_utf8_lossy(&delivery.data);
        eprintln!("{id}: dropped a message that is not a request: {body}");
        return delivery
            .reject(BasicRejectOptions { requeue: false })
            .await
            .map(drop);
    };
    let reply = match compute(value) {
        Ok(result) => Reply::Ok(result),
        Err(error) => Reply::Err {
            error: error.to_string(),
        },
    };
    let body = serde_json::to_vec(&reply).expect("a reply of plain structs always serializes");
    let again = if delivery.redelivered {
        " (redelivered)"
    } else {
        ""
    };
    let (data, text) = (
        String::from_utf8_lossy(&delivery.data),
        String::from_utf8_lossy(&body),
    );
    // Written whole, at once: workers that share a terminal never mix their lines.
    let line = format!("{id}: {data} -> {text}{again}\n");
    eprint!("{line}");
    // The default exchange ("") routes by queue name: the routing key is `reply_to`.
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    channel
        .basic_publish("".into(), reply_to, Default::default(), &body, properties)
        .await?;
    delivery.ack(BasicAckOptions::default()).await.map(drop) // now the broker may forget it
}
