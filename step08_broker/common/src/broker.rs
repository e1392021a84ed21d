//! Reaching RabbitMQ, for the app and the workers: connect, and declare a queue.

use crate::queue_name;
use lapin::options::QueueDeclareOptions;
use lapin::{Channel, Connection, ConnectionProperties, types::FieldTable};
use std::time::Duration;

/// Connects to RabbitMQ at `AMQP_ADDR`, by default on this machine, or says in one line how to
/// start it. `name`: the connection's name in RabbitMQ's web UI.
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

/// Declares `queue`: creates it unless it exists. `durable`: it outlives a restart of RabbitMQ.
pub async fn declare_queue(channel: &Channel, queue: &str) -> lapin::Result<()> {
    let options = QueueDeclareOptions {
        durable: true,
        ..Default::default()
    };
    let declare = channel.queue_declare(queue.into(), options, FieldTable::default());
    declare.await?;
    Ok(())
}
