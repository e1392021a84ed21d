//! RabbitMQ for the app and the workers: connect, declare a queue, and the worker's loop.
//!
//! The worker's loop is the other half of the app's `rpc.rs`: take a request from the queue,
//! compute, publish the reply to its `reply_to` address with its `correlation_id`, and only then
//! acknowledge (ack) the request. If the worker dies before the ack, the broker still holds the
//! request and hands it to another worker: nothing is lost, but a request can be processed twice
//! (at-least-once delivery). So the app drops a reply nobody waits for.

use crate::{Reply, ValueRequest};
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicPublishOptions};
use lapin::options::{BasicQosOptions, BasicRejectOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use serde::Serialize;
use std::time::Duration;
use tokio_stream::StreamExt;

/// The one command that starts a RabbitMQ here, for the error that says none answers.
pub const START_RABBITMQ: &str =
    "docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:4-management";

/// Connects to RabbitMQ at `AMQP_ADDR` (default: this machine, vhost `/`, written `%2f`).
/// `name` shows in the broker's list of connections.
pub async fn connect(name: &str) -> Result<Connection, String> {
    let addr = std::env::var("AMQP_ADDR").unwrap_or("amqp://127.0.0.1:5672/%2f".into());
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    // A firewall that drops packets never refuses: bound the wait.
    let attempt = Connection::connect(&addr, properties);
    let cause = match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(connection)) => return Ok(connection),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer within 5 s".into(),
    };
    Err(format!("cannot reach RabbitMQ at {addr} ({cause}); start one with `{START_RABBITMQ}`"))
}

/// Creates `queue` unless it exists. The app and the workers both declare it, so whichever
/// starts first creates it, and a request can wait there for a worker. `durable`: the queue
/// itself outlives a broker restart.
pub async fn declare_queue(channel: &Channel, queue: &str) -> lapin::Result<()> {
    let durable = QueueDeclareOptions { durable: true, ..Default::default() };
    channel.queue_declare(queue.into(), durable, FieldTable::default()).await?;
    Ok(())
}

/// A worker's whole life: connect, declare `queue`, and answer its requests until the
/// connection ends; it returns only with the reason. `compute` is the component.
pub async fn run_worker<T: Serialize>(
    name: &str,
    queue: &str,
    compute: impl Fn(i32) -> Result<T, String>,
) -> Result<(), String> {
    let id = format!("{name}-{}", std::process::id());
    let connection = connect(&id).await?;
    let failed = |error: lapin::Error| format!("{id} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, queue).await.map_err(failed)?;
    // Prefetch 1: the broker hands this worker one request at a time, the next after the ack.
    // It handles one at a time; more would wait here while another worker sits idle.
    channel.basic_qos(1, BasicQosOptions::default()).await.map_err(failed)?;
    let (tag, options) = (id.as_str().into(), BasicConsumeOptions::default()); // acks by hand
    let consume = channel.basic_consume(queue.into(), tag, options, FieldTable::default());
    let mut requests = consume.await.map_err(failed)?;
    eprintln!("{id}: waiting for requests on queue \"{queue}\"");
    while let Some(delivery) = requests.next().await {
        answer(&channel, delivery.map_err(failed)?, &compute, &id).await.map_err(failed)?;
    }
    Err(format!("{id}: the broker stopped the consumer of queue \"{queue}\""))
}

/// Where to reply, the call's id, and the value; `None` if the message is not a request.
pub fn read_request(delivery: &Delivery) -> Option<(ShortString, ShortString, i32)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let properties = &delivery.properties;
    Some((properties.reply_to().clone()?, properties.correlation_id().clone()?, request.value))
}

/// One message: compute, publish the reply, and only then ack the request. A message that is
/// not a request is rejected without requeueing (dropped): no worker could ever answer it.
pub async fn answer<T: Serialize>(
    channel: &Channel,
    delivery: Delivery,
    compute: &impl Fn(i32) -> Result<T, String>,
    id: &str,
) -> lapin::Result<()> {
    let Some((reply_to, correlation_id, value)) = read_request(&delivery) else {
        let body = String::from_utf8_lossy(&delivery.data);
        eprintln!("{id}: dropped a message that is not a request: {body}");
        return delivery.reject(BasicRejectOptions { requeue: false }).await.map(drop);
    };
    let reply = match compute(value) {
        Ok(result) => Reply::Ok(result),
        Err(error) => Reply::Err { error },
    };
    let body = serde_json::to_vec(&reply).expect("a reply of plain structs always serializes");
    // `redelivered`: the broker handed this request out before, to a worker that never acked.
    let again = if delivery.redelivered { " (redelivered)" } else { "" };
    let (data, text) = (String::from_utf8_lossy(&delivery.data), String::from_utf8_lossy(&body));
    // Written whole, at once: workers that share a terminal never mix their lines.
    let line = format!("{id}: {data} -> {text}{again}\n");
    eprint!("{line}");
    // The default exchange ("") routes by queue name: the routing key is `reply_to`.
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    let options = BasicPublishOptions::default();
    channel.basic_publish("".into(), reply_to, options, &body, properties).await?;
    delivery.ack(BasicAckOptions::default()).await.map(drop) // now the broker may forget it
}
