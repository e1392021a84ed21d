//! RabbitMQ for the app and the workers: connect, declare a queue, and the worker's loop.
//!
//! The worker's loop is the other half of the app's `rpc.rs`: take a request from the queue,
//! compute, publish the reply to its `reply_to` address with its `correlation_id`, and only then
//! acknowledge the request. If the worker dies before that ack, the broker still holds the
//! request and hands it to another worker (or to this one, restarted): nothing is lost, but a
//! request can be processed twice. That is at-least-once delivery, and why the app drops a
//! reply nobody waits for.

use crate::{Reply, ValueRequest};
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicPublishOptions};
use lapin::options::{BasicQosOptions, BasicRejectOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use serde::Serialize;
use std::time::Duration;
use tokio_stream::StreamExt;

/// Where RabbitMQ is when `AMQP_ADDR` is not set: this machine, default vhost (`%2f` is `/`).
pub const DEFAULT_AMQP_ADDR: &str = "amqp://127.0.0.1:5672/%2f";
/// The one command that starts a RabbitMQ on this machine, for the error that says none answers.
pub const START_RABBITMQ: &str = "docker run -d --name rabbitmq -p 5672:5672 rabbitmq:4";

/// Connects to RabbitMQ at `AMQP_ADDR`; `name` shows in the broker's list of connections.
/// The error is the one line a human reads: where, why, and how to start a broker.
pub async fn connect(name: &str) -> Result<Connection, String> {
    let addr = std::env::var("AMQP_ADDR").unwrap_or_else(|_| DEFAULT_AMQP_ADDR.into());
    let properties = ConnectionProperties::default().with_connection_name(name.into());
    // A firewall that drops packets never refuses: bound the wait.
    let attempt = Connection::connect(&addr, properties);
    let cause = match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(connection)) => return Ok(connection),
        Ok(Err(error)) => error.to_string(),
        Err(_) => "no answer within 5 s".into(),
    };
    let addr = without_password(&addr); // error lines end up in terminals and CI logs
    Err(format!(
        "cannot reach RabbitMQ at {addr} ({cause}); start one with `{START_RABBITMQ}`"
    ))
}

/// `amqp://user:secret@host/vhost` becomes `amqp://user:***@host/vhost`.
pub fn without_password(addr: &str) -> String {
    let Some((userinfo, host)) = addr.rsplit_once('@') else {
        return addr.into(); // no user, so no password
    };
    let (scheme, user) = userinfo.split_at(userinfo.find("//").map_or(0, |i| i + 2));
    let user = user.split(':').next().unwrap_or_default();
    format!("{scheme}{user}:***@{host}")
}

/// Creates `queue` on the broker unless it exists. The app and the workers both declare it, so
/// whichever starts first creates it, and a request can wait there for a worker. `durable`: the
/// queue itself outlives a broker restart.
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

/// A worker's whole life: connect, declare `queue`, and answer its requests until the
/// connection ends (it returns only with the reason). `compute` is the component.
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
    // Prefetch 1: the broker hands this worker one request at a time, the next only after the
    // ack. A worker handles one at a time, so more would sit here while another worker idles.
    let one = BasicQosOptions::default();
    channel.basic_qos(1, one).await.map_err(failed)?;
    let (tag, manual_ack) = (id.as_str().into(), BasicConsumeOptions::default());
    let consume = channel.basic_consume(queue.into(), tag, manual_ack, FieldTable::default());
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

/// What a worker needs from a message: where to send the reply, the call's id, and the value.
pub struct Request {
    pub reply_to: ShortString,
    pub correlation_id: ShortString,
    pub value: i32,
}

impl Request {
    /// `None` when the message is not a request: no `reply_to`, no `correlation_id`, or a body
    /// that is not `{"value": <i32>}`.
    pub fn read(delivery: &Delivery) -> Option<Request> {
        let properties = &delivery.properties;
        let request: ValueRequest = serde_json::from_slice(&delivery.data).ok()?;
        Some(Request {
            reply_to: properties.reply_to().clone()?,
            correlation_id: properties.correlation_id().clone()?,
            value: request.value,
        })
    }
}

/// One message: compute, publish the reply, and only then acknowledge the request. A message
/// that is not a request is rejected without requeueing (dropped): no worker could answer it.
pub async fn answer<T: Serialize>(
    channel: &Channel,
    delivery: Delivery,
    compute: &impl Fn(i32) -> Result<T, String>,
    id: &str,
) -> lapin::Result<()> {
    let Some(request) = Request::read(&delivery) else {
        let body = String::from_utf8_lossy(&delivery.data);
        eprintln!("{id}: dropped a message that is not a request: {body}");
        delivery
            .reject(BasicRejectOptions { requeue: false })
            .await?;
        return Ok(());
    };
    let reply = match compute(request.value) {
        Ok(result) => Reply::Ok(result),
        Err(error) => Reply::Err { error },
    };
    let body = serde_json::to_vec(&reply).expect("a reply of plain structs always serializes");
    // `redelivered`: the broker handed this request out before, to a worker that never acked it.
    let again = if delivery.redelivered {
        " (redelivered)"
    } else {
        ""
    };
    let (data, text) = (
        String::from_utf8_lossy(&delivery.data),
        String::from_utf8_lossy(&body),
    );
    // The line is written whole, at once: workers that share a terminal never mix their lines.
    let line = format!("{id}: {data} -> {text}{again}\n");
    eprint!("{line}");
    let properties = BasicProperties::default().with_correlation_id(request.correlation_id);
    channel
        .basic_publish(
            "".into(),        // the default exchange, which routes by queue name...
            request.reply_to, // ...to the address the app gave
            BasicPublishOptions::default(),
            &body,
            properties,
        )
        .await?;
    delivery.ack(BasicAckOptions::default()).await?; // only now may the broker forget it
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_in_an_address_is_hidden() {
        let hidden = without_password("amqp://app:s3cret@127.0.0.1:1/%2f");
        assert_eq!(hidden, "amqp://app:***@127.0.0.1:1/%2f");
        // Without a scheme too, nothing between the first `:` and the last `@` is shown.
        assert_eq!(without_password("app:s3cr@t@host/%2f"), "app:***@host/%2f");
        assert_eq!(without_password(DEFAULT_AMQP_ADDR), DEFAULT_AMQP_ADDR);
    }
}
