//! The workers' loop: take a request from the queue, compute, reply, and only then ack it.

use crate::broker::{connect, consume, declare_queue, publish, queue_name};
use crate::{Reply, ValueRequest};
use lapin::options::{BasicAckOptions, BasicRejectOptions};
use lapin::{BasicProperties, Channel, message::Delivery, types::ShortString};
use serde::Serialize;
use tokio_stream::StreamExt; // gives a stream (an iterator whose items are awaited) its `.next()`

/// A worker: answers each request in `queue` with `compute(value)`. Returns only with an error.
pub async fn run_worker<T: Serialize>(
    name: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
) -> Result<(), String> {
    let queue = queue_name(queue); // after `QUEUE_PREFIX`, if set: tests set one
    let connection = connect(name).await?; // or one line on how to start RabbitMQ
    // For lapin's errors: which worker, which queue.
    let failed = |error: lapin::Error| format!("{name} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, &queue).await.map_err(failed)?; // create it unless it exists
    // With acks (`true`): RabbitMQ keeps each request until it is acked.
    let mut requests = consume(&channel, &queue, true).await.map_err(failed)?;
    eprintln!("{name}: waiting for requests on queue \"{queue}\"");
    while let Some(delivery) = requests.next().await {
        let delivery = delivery.map_err(failed)?;
        let answered = answer(&channel, delivery, compute, name).await;
        answered.map_err(failed)?;
    }
    Err(format!("{name}: RabbitMQ ended the consumer"))
}

/// One message: compute, reply, then ack. A message that is not a request is dropped.
pub async fn answer<T: Serialize>(
    channel: &Channel,
    delivery: Delivery,
    compute: fn(i32) -> Reply<T>,
    name: &str,
) -> lapin::Result<()> {
    let body = String::from_utf8_lossy(&delivery.data); // its bytes as text, for the log
    let (value, reply_to, correlation_id) = match read_request(&delivery) {
        Some(request) => request,
        None => {
            eprintln!("{name}: dropped a message that is not a request: {body}");
            delivery.reject(BasicRejectOptions::default()).await?; // not requeued: dropped
            return Ok(());
        }
    };
    let reply = serde_json::to_string(&compute(value)).expect("plain structs serialize");
    // One write for the whole line, so that workers sharing a terminal never mix their lines.
    let line = format!("{name}: {correlation_id}: {body} -> {reply}\n");
    eprint!("{line}");
    // The reply goes to the `reply_to` address, with the request's `correlation_id`.
    let properties = BasicProperties::default().with_correlation_id(correlation_id);
    publish(channel, reply_to.as_str(), reply.as_bytes(), properties).await?;
    delivery.ack(BasicAckOptions::default()).await?; // now RabbitMQ may forget the request
    Ok(())
}

/// A request's value, where to reply and the call's id (lapin's `ShortString`s); `None` if the
/// message is not JSON `{"value":...}` with a `reply_to` and a `correlation_id`.
pub fn read_request(delivery: &Delivery) -> Option<(i32, ShortString, ShortString)> {
    let properties = &delivery.properties;
    // The block runs only if each `let` matches, in turn.
    if let Ok(request) = serde_json::from_slice::<ValueRequest>(&delivery.data)
        && let Some(reply_to) = properties.reply_to()
        && let Some(correlation_id) = properties.correlation_id()
    {
        return Some((request.value, reply_to.clone(), correlation_id.clone()));
    }
    None
}
