//! RabbitMQ for the app and the workers: connect, declare a queue, and the workers' loop: take a
//! request, compute, publish the reply to `reply_to`, and only then ack it. A worker that dies
//! before the ack leaves the request to another: nothing is lost, but it may run twice.

use crate::{Reply, ValueRequest};
use lapin::options::{BasicAckOptions, BasicConsumeOptions};
use lapin::options::{BasicQosOptions, BasicRejectOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, message::Delivery};
use serde::Serialize;
use std::{fmt::Display, time::Duration};
use tokio_stream::StreamExt;

/// Connects to RabbitMQ at `AMQP_ADDR`. The default is this machine's broker and its virtual
/// host `/` (written `%2f` in the address), where every queue of this step lives.
pub async fn connect(name: &str) -> Result<Connection, String> {
    let addr = std::env::var("AMQP_ADDR").unwrap_or("amqp://127.0.0.1:5672/%2f".into());
    // Every program connects, so checked here: 200 bytes leave room for the queue names (AMQP: 255).
    if crate::queue_name("").len() > 200 {
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
    let reason = format!("cannot reach RabbitMQ at {addr} ({cause})");
    Err(format!("{reason}; start one with `{start}`"))
}

/// Creates `queue` unless it exists (the app and the workers each do: whoever comes first).
/// `durable`: the queue outlives a broker restart.
pub async fn declare_queue(channel: &Channel, queue: &str) -> lapin::Result<()> {
    let options = QueueDeclareOptions {
        durable: true,
        ..Default::default()
    };
    let declare = channel.queue_declare(queue.into(), options, FieldTable::default());
    declare.await?;
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
    // Prefetch 1: a worker holds one request at a time; the others wait for a free worker.
    let prefetch = channel.basic_qos(1, BasicQosOptions::default());
    prefetch.await.map_err(failed)?;
    let tag = id.as_str().into(); // the consumer's name
    let options = BasicConsumeOptions::default();
    let consume = channel.basic_consume(queue.into(), tag, options, FieldTable::default());
    let mut requests = consume.await.map_err(failed)?;
    eprintln!("{id}: waiting for requests on queue \"{queue}\"");
    while let Some(delivery) = requests.next().await {
        let delivery = delivery.map_err(failed)?;
        let answered = answer(&channel, delivery, &compute, &id).await;
        answered.map_err(failed)?;
    }
    Err(format!("{id}: RabbitMQ ended the consumer of \"{queue}\""))
}

/// Where to reply, the call's id, and the value; `None` if the message is not a request.
pub fn read_request(delivery: &Delivery) -> Option<(ShortString, ShortString, i32)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let reply_to = delivery.properties.reply_to().clone()?;
    let correlation_id = delivery.properties.correlation_id().clone()?;
    Some((reply_to, correlation_id, request.value))
}

/// One message: compute, reply, then ack. Not a request: rejected, not requeued (dropped).
pub async fn answer<T: Serialize, E: Display>(
    channel: &Channel,
    delivery: Delivery,
    compute: &impl Fn(i32) -> Result<T, E>,
    id: &str,
) -> lapin::Result<()> {
    let Some((reply_to, correlation_id, value)) = read_request(&delivery) else {
        // let-else: the pattern did not match, so this is not a request.
        let body = String::from_utf8_lossy(&delivery.data);
        eprintln!("{id}: dropped a message that is not a request: {body}");
        let options = BasicRejectOptions { requeue: false };
        delivery.reject(options).await?;
        return Ok(());
    };
    let reply = match compute(value).map_err(|error| error.to_string()) {
        Ok(result) => Reply::Ok(result),
        Err(error) => Reply::Err { error },
    };
    let body = serde_json::to_vec(&reply).expect("a reply of plain structs always serializes");
    let request = String::from_utf8_lossy(&delivery.data);
    // One write of the whole line: workers sharing a terminal never mix their lines.
    // `correlation_id` is the app's request id: it joins this log to the app's.
    let reply_text = String::from_utf8_lossy(&body);
    let line = format!("{id}: {correlation_id}: {request} -> {reply_text}\n");
    eprint!("{line}");
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    let options = Default::default();
    let publish = channel.basic_publish("".into(), reply_to, options, &body, properties);
    publish.await?;
    delivery.ack(BasicAckOptions::default()).await?; // now the broker may forget it
    Ok(())
}
