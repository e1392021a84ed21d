//! A worker: take a request from its queue, compute, reply, and only then ack it.

use crate::broker::{connect, consume_with_acks, declare_queue, next_message, publish};
use crate::{Reply, ValueRequest};
use lapin::{BasicProperties, Channel, message::Delivery, options::BasicAckOptions};
use serde::Serialize;

/// Answers each request in `queue` with `compute(value)`. Returns only with an error.
/// `compute: fn(i32) -> Reply<T>`: a function passed as a value (service1 passes its own).
pub async fn run_worker<T: Serialize>(
    name: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
) -> Result<(), String> {
    let connection = connect(name).await?; // or says how to start RabbitMQ
    // `failed`, a closure (a function written in place), makes lapin's error a line naming the
    // worker; `.map_err(failed)` applies it to an `Err`.
    let failed = |error: lapin::Error| format!("{name} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, queue).await.map_err(failed)?;
    let mut requests = consume_with_acks(&channel, queue).await.map_err(failed)?;
    eprintln!("{name}: waiting for requests on queue \"{queue}\"");
    loop {
        let delivery = next_message(&mut requests).await.map_err(failed)?;
        answer(&channel, delivery, compute, name)
            .await
            .map_err(failed)?;
    }
}

/// Compute, reply, then ack. A message that is not a request is acked unanswered.
pub async fn answer<T: Serialize>(
    channel: &Channel,
    delivery: Delivery,
    compute: fn(i32) -> Reply<T>,
    name: &str,
) -> lapin::Result<()> {
    let body = String::from_utf8_lossy(&delivery.data);
    match read_request(&delivery) {
        None => eprintln!("{name}: dropped a message that is not a request: {body}"),
        Some((value, reply_to, correlation_id)) => {
            let reply = serde_json::to_string(&compute(value)).expect("plain structs serialize");
            let line = format!("{name}: {correlation_id}: {body} -> {reply}\n");
            eprint!("{line}"); // one write: workers sharing a terminal do not mix their lines
            let properties = BasicProperties::default().with_correlation_id(correlation_id.into());
            publish(channel, &reply_to, reply.as_bytes(), properties).await?;
        }
    }
    delivery.ack(BasicAckOptions::default()).await?; // RabbitMQ may now forget the message
    Ok(())
}

/// A request's value, `reply_to` and `correlation_id`, or `None` (`?` on a `None` returns it;
/// `.ok()` makes a `Result` an `Option`).
pub fn read_request(delivery: &Delivery) -> Option<(i32, String, String)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let reply_to = delivery.properties.reply_to().clone()?.to_string();
    let correlation_id = delivery.properties.correlation_id().clone()?.to_string();
    Some((request.value, reply_to, correlation_id))
}
