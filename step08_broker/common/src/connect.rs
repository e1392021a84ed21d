//! Where RabbitMQ is, and how to reach it without hanging or giving up too early.
//!
//! A broker is often not up yet when its clients start (a `docker compose up`, a reboot), so a
//! first refusal is not an error: we retry with a growing pause. But "retry forever" hides a real
//! mistake (a wrong address) behind a silent wait, so the retrying stops after a bounded time and
//! ends with one line a human can act on: `cannot reach RabbitMQ at <addr>: <cause>`.

use crate::queues::QueueNames;
use anyhow::anyhow;
use lapin::{Connection, ConnectionProperties};
use std::time::Duration;
use tokio::time::{Instant, sleep, timeout};

/// The address used when `AMQP_ADDR` is not set: the local broker's default vhost (`%2f` is `/`).
pub const DEFAULT_AMQP_ADDR: &str = "amqp://127.0.0.1:5672/%2f";

/// No single attempt may hang longer than this (a firewall that drops packets never refuses).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Where the broker is and which names to use on it: the flags (and variables) that the app and
/// both workers share, flattened into each one's command line.
#[derive(clap::Args, Debug, Clone)]
pub struct BrokerArgs {
    /// The RabbitMQ address
    #[arg(long, env = "AMQP_ADDR", default_value = DEFAULT_AMQP_ADDR)]
    pub amqp_addr: String,

    /// A prefix for every queue and exchange name, so runs sharing one broker never meet
    #[arg(long = "queue-prefix", env = "QUEUE_PREFIX", value_name = "PREFIX", default_value = "",
          value_parser = QueueNames::with_prefix)]
    pub queues: QueueNames,

    /// How long to keep retrying the first connection, in seconds
    #[arg(long, env = "AMQP_CONNECT_TIMEOUT_SECS", default_value_t = 30)]
    pub connect_timeout_secs: u64,
}

/// Connects to the broker, retrying refused or failed attempts with backoff until the connect
/// timeout has passed. `name` shows up in the management UI's connection list.
pub async fn connect(broker: &BrokerArgs, name: &str) -> anyhow::Result<Connection> {
    let deadline = Instant::now() + Duration::from_secs(broker.connect_timeout_secs);
    let addr = without_password(&broker.amqp_addr); // error lines end up in terminals and CI logs
    let ping = "is it running? `rabbitmq-diagnostics -q ping` checks it";
    let unreachable = |cause| anyhow!("cannot reach RabbitMQ at {addr}: {cause} ({ping})");
    let mut pause = FIRST_PAUSE;
    loop {
        let properties = ConnectionProperties::default().with_connection_name(name.into());
        let attempt = Connection::connect(&broker.amqp_addr, properties);
        let cause = match timeout(ATTEMPT_TIMEOUT, attempt).await {
            Ok(Ok(connection)) => return Ok(connection),
            // A refused login or an unknown vhost will not fix itself: say so at once.
            Ok(Err(error)) if !error.is_io_error() => return Err(unreachable(error.to_string())),
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs()),
        };
        if Instant::now() + pause >= deadline {
            return Err(unreachable(cause));
        }
        if pause == FIRST_PAUSE {
            let secs = broker.connect_timeout_secs;
            tracing::warn!("waiting for RabbitMQ at {addr} ({cause}); retrying for up to {secs} s");
        }
        sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// `amqp://user:secret@host/vhost` becomes `amqp://user:***@host/vhost`.
fn without_password(addr: &str) -> String {
    let Some((userinfo, host)) = addr.rsplit_once('@') else {
        return addr.into(); // no user, so no password
    };
    let (scheme, user) = userinfo.split_at(userinfo.find("//").map_or(0, |i| i + 2));
    let user = user.split(':').next().unwrap_or_default();
    format!("{scheme}{user}:***@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_broker_gives_the_documented_error_within_the_time_allowed() {
        // Port 1 on loopback: nothing listens there, so every attempt is refused at once.
        let broker = BrokerArgs {
            amqp_addr: "amqp://127.0.0.1:1/%2f".into(),
            queues: QueueNames::with_prefix("").unwrap(),
            connect_timeout_secs: 1,
        };
        let started = std::time::Instant::now();
        let error = connect(&broker, "test").await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        let text = error.to_string();
        assert!(
            text.starts_with("cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f: "),
            "{text}"
        );
    }

    #[tokio::test]
    async fn the_password_in_amqp_addr_never_appears_in_the_error() {
        let broker = BrokerArgs {
            amqp_addr: "amqp://app:s3cret@127.0.0.1:1/%2f".into(),
            queues: QueueNames::with_prefix("").unwrap(),
            connect_timeout_secs: 1,
        };
        let text = connect(&broker, "test").await.unwrap_err().to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.starts_with("cannot reach RabbitMQ at amqp://app:***@127.0.0.1:1/%2f: "));
        // Without a scheme too, nothing between the first `:` and the last `@` is shown.
        assert_eq!(without_password("app:s3cr@t@host/%2f"), "app:***@host/%2f");
    }
}
