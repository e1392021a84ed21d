//! The workers' loop, which replies, then acks: a worker that dies in between leaves the request
//! to another (run twice).

use crate::broker::{connect, declare_queue};
use crate::{Reply, ValueRequest};
use lapin::options::{BasicAckOptions, BasicConsumeOptions};
use lapin::options::{BasicQosOptions, BasicRejectOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, message::Delivery};
use serde::Serialize;
use std::fmt::Display;
use tokio_stream::StreamExt; // the trait that gives streams `.next()`

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
    // qos = the prefetch limit, 1: a worker holds one request at a time; others wait for a worker.
    let prefetch = channel.basic_qos(1, BasicQosOptions::default());
    prefetch.await.map_err(failed)?;
    let tag = id.as_str().into(); // the consumer's name
    let options = BasicConsumeOptions {
        no_ack: false, // manual ack, this step's heart: the broker keeps a request until acked
        ..Default::default()
    };
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
    // One write per line (workers sharing a terminal never mix lines); `correlation_id`: app's id.
    let reply_text = String::from_utf8_lossy(&body);
    let line = format!("{id}: {correlation_id}: {request} -> {reply_text}\n");
    eprint!("{line}");
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    // Through the exchange "", with `reply_to` as the routing key: straight to the asking channel.
    let publish = channel.basic_publish("".into(), reply_to, Default::default(), &body, properties);
    publish.await?;
    delivery.ack(BasicAckOptions::default()).await?; // now the broker may forget it
    Ok(())
}
