//! The workers' loop: take a request from the queue, compute, reply, and only then ack it.

use crate::broker::{connect, consume, declare_queue, next_message, publish};
use crate::{Reply, ValueRequest};
use lapin::{BasicProperties, Channel, message::Delivery, options::BasicAckOptions};
use serde::Serialize;

/// A worker: answers each request in `queue` with `compute(value)`, `compute` being a function
/// such as service1's `double`. Returns only with an error.
pub async fn run_worker<T: Serialize>(
    name: &str,
    queue: &str,
    compute: fn(i32) -> Reply<T>,
) -> Result<(), String> {
    let connection = connect(name).await?; // or one line on how to start RabbitMQ
    // `failed` is a closure (a function written in place): it makes a lapin error one line that
    // names the worker and its queue. `.map_err(failed)` applies it to an `Err`.
    let failed = |error: lapin::Error| format!("{name} on queue \"{queue}\": {error}");
    let channel = connection.create_channel().await.map_err(failed)?;
    declare_queue(&channel, queue).await.map_err(failed)?; // create it unless it exists
    let mut requests = consume(&channel, queue, true).await.map_err(failed)?; // with acks
    eprintln!("{name}: waiting for requests on queue \"{queue}\"");
    loop {
        let delivery = next_message(&mut requests).await.map_err(failed)?; // waits for one
        let answered = answer(&channel, delivery, compute, name).await;
        answered.map_err(failed)?;
    }
}

/// One message: compute, reply, then ack. One that is not a request is acked unanswered: dropped.
pub async fn answer<T: Serialize>(
    channel: &Channel,
    delivery: Delivery,
    compute: fn(i32) -> Reply<T>,
    name: &str,
) -> lapin::Result<()> {
    let body = String::from_utf8_lossy(&delivery.data); // its bytes as text, for the log
    match read_request(&delivery) {
        None => eprintln!("{name}: dropped a message that is not a request: {body}"),
        Some((value, reply_to, correlation_id)) => {
            let reply = serde_json::to_string(&compute(value)).expect("plain structs serialize");
            let line = format!("{name}: {correlation_id}: {body} -> {reply}\n");
            eprint!("{line}"); // in one write: workers sharing a terminal never mix their lines
            let properties = BasicProperties::default().with_correlation_id(correlation_id.into());
            publish(channel, &reply_to, reply.as_bytes(), properties).await?;
        }
    }
    delivery.ack(BasicAckOptions::default()).await?; // now RabbitMQ may forget the message
    Ok(())
}

/// A request's value, where to reply, and the call's id; `None` if the message is not JSON
/// `{"value":...}` with a `reply_to` and a `correlation_id`. (`?` on `None` returns `None`.)
pub fn read_request(delivery: &Delivery) -> Option<(i32, String, String)> {
    let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
    let reply_to = delivery.properties.reply_to().clone()?.to_string();
    let correlation_id = delivery.properties.correlation_id().clone()?.to_string();
    Some((request.value, reply_to, correlation_id))
}
