//! The workers' loop: take a request from the queue, compute, reply, and only then ack it.

use crate::broker::{connect, declare_queue};
use crate::{Reply, ValueRequest};
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicRejectOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, message::Delivery};
use serde::Serialize;
use std::fmt::Display;
use tokio_stream::StreamExt; // the trait that gives a stream its `.next()`

/// A worker: answers the requests in `queue` with `compute`. Returns only with an error.
pub async fn run_worker<T: Serialize, E: Display>(
    name: &str,
    queue: &str,
    compute: impl Fn(i32) -> Result<T, E>,
) -> Result<(), String> {
    let connection = connect(name).await?;
    let failed = |error: lapin::Error| format!("{name} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, queue).await.map_err(failed)?;
    let options = BasicConsumeOptions::default(); // with acks: RabbitMQ keeps a request until acked
    let consume = channel.basic_consume(queue.into(), name.into(), options, FieldTable::default());
    let mut requests = consume.await.map_err(failed)?;
    eprintln!("{name}: waiting for requests on queue \"{queue}\"");
    while let Some(delivery) = requests.next().await {
        let delivery = delivery.map_err(failed)?;
        let answered = answer(&channel, delivery, &compute, name).await;
        answered.map_err(failed)?;
    }
    let ended = format!("{name}: RabbitMQ ended the consumer of \"{queue}\"");
    Err(ended)
}

/// Where to reply and the call's id (lapin's `ShortString`s), and the value; `None` if the message
/// is not a request.
pub fn read_request(delivery: &Delivery) -> Option<(ShortString, ShortString, i32)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let reply_to = delivery.properties.reply_to().clone()?;
    let correlation_id = delivery.properties.correlation_id().clone()?;
    Some((reply_to, correlation_id, request.value))
}

/// One message: compute, reply, then ack; `id` names the worker in its log. A message that is not
/// a request is dropped.
pub async fn answer<T: Serialize, E: Display>(
    channel: &Channel,
    delivery: Delivery,
    compute: &impl Fn(i32) -> Result<T, E>,
    id: &str,
) -> lapin::Result<()> {
    let request = String::from_utf8_lossy(&delivery.data).into_owned();
    let Some((reply_to, correlation_id, value)) = read_request(&delivery) else {
        eprintln!("{id}: dropped a message that is not a request: {request}");
        delivery.reject(BasicRejectOptions::default()).await?; // not requeued: dropped
        return Ok(());
    };
    let reply = match compute(value).map_err(|error| error.to_string()) {
        Ok(result) => Reply::Ok(result),
        Err(error) => Reply::Err { error },
    };
    let body = serde_json::to_string(&reply).expect("a reply of plain structs serializes");
    // One write for the whole line, so that workers sharing a terminal never mix their lines.
    let line = format!("{id}: {correlation_id}: {request} -> {body}\n");
    eprint!("{line}");
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    // The exchange "" puts a message in the queue that its routing key names: here, `reply_to`.
    let options = Default::default();
    let publish = channel.basic_publish("".into(), reply_to, options, body.as_bytes(), properties);
    publish.await?;
    delivery.ack(BasicAckOptions::default()).await?; // now RabbitMQ may forget the request
    Ok(())
}
