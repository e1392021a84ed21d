//! Where RabbitMQ is, and how to reach it without hanging or giving up too early.
//!
//! A broker is often not up yet when its clients start (a `docker compose up`, a reboot), so a
//! first refusal is not an error: we retry with a growing pause. But "retry forever" hides a real
//! mistake (a wrong address) behind a silent wait, so the retrying stops after a bounded time and
//! ends with one line a human can act on: `cannot reach RabbitMQ at <addr>: <cause>`.

use crate::queues::QueueNames;
use lapin::{Connection, ConnectionProperties};
use std::fmt;
use std::time::Duration;
use tokio::time::{Instant, sleep, timeout};

/// Environment variable holding the broker's address.
pub const AMQP_ADDR_ENV: &str = "AMQP_ADDR";
/// The address used when `AMQP_ADDR` is not set: the local broker's default vhost (`%2f` is `/`).
pub const DEFAULT_AMQP_ADDR: &str = "amqp://127.0.0.1:5672/%2f";
/// Environment variable bounding how long to keep retrying the first connection (seconds).
pub const CONNECT_TIMEOUT_ENV: &str = "AMQP_CONNECT_TIMEOUT_SECS";
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// No single attempt may hang longer than this (a firewall that drops packets never refuses).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Everything a process needs to find its broker and its queues, read from the environment.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    pub addr: String,
    pub connect_timeout: Duration,
    pub queues: QueueNames,
}

impl BrokerConfig {
    /// Reads `AMQP_ADDR`, `AMQP_CONNECT_TIMEOUT_SECS` and `QUEUE_PREFIX`.
    pub fn from_env() -> Result<Self, String> {
        let addr = std::env::var(AMQP_ADDR_ENV).unwrap_or_else(|_| DEFAULT_AMQP_ADDR.to_string());
        let connect_timeout = match std::env::var(CONNECT_TIMEOUT_ENV) {
            Err(_) => DEFAULT_CONNECT_TIMEOUT,
            Ok(text) => text.parse::<u64>().map(Duration::from_secs).map_err(|_| {
                format!("{CONNECT_TIMEOUT_ENV}={text:?} is not a number of seconds")
            })?,
        };
        Ok(Self {
            addr,
            connect_timeout,
            queues: QueueNames::from_env()?,
        })
    }

    /// The address with any password replaced by `***`, fit for a log line or an error message.
    pub fn display_addr(&self) -> String {
        redact_password(&self.addr)
    }
}

/// RabbitMQ could not be reached within the time allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    /// The address, password removed.
    pub addr: String,
    /// The last error seen.
    pub cause: String,
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot reach RabbitMQ at {}: {} (is it running? `rabbitmq-diagnostics -q ping` checks it)",
            self.addr, self.cause
        )
    }
}

impl std::error::Error for Unreachable {}

/// Connects to the broker, retrying refused or failed attempts with backoff until
/// `config.connect_timeout` has passed. `name` shows up in the management UI's connection list.
pub async fn connect(config: &BrokerConfig, name: &str) -> Result<Connection, Unreachable> {
    let deadline = Instant::now() + config.connect_timeout;
    let mut pause = FIRST_PAUSE;
    let mut said_waiting = false;
    loop {
        let properties = ConnectionProperties::default().with_connection_name(name.into());
        let cause = match timeout(
            ATTEMPT_TIMEOUT,
            Connection::connect(&config.addr, properties),
        )
        .await
        {
            Ok(Ok(connection)) => return Ok(connection),
            // A refused login or an unknown vhost will not fix itself: say so at once.
            Ok(Err(error)) if !error.is_io_error() => {
                return Err(unreachable(config, error.to_string()));
            }
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {} s", ATTEMPT_TIMEOUT.as_secs()),
        };
        let now = Instant::now();
        if now + pause >= deadline {
            return Err(unreachable(config, cause));
        }
        if !said_waiting {
            eprintln!(
                "[{name}] waiting for RabbitMQ at {} ({cause}); retrying for up to {} s",
                config.display_addr(),
                config.connect_timeout.as_secs()
            );
            said_waiting = true;
        }
        sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

fn unreachable(config: &BrokerConfig, cause: String) -> Unreachable {
    Unreachable {
        addr: config.display_addr(),
        cause,
    }
}

/// `amqp://user:secret@host/vhost` becomes `amqp://user:***@host/vhost`: error messages end up
/// in terminals, CI logs and bug reports.
pub fn redact_password(addr: &str) -> String {
    let Some((scheme, rest)) = addr.split_once("://") else {
        return addr.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{scheme}://{user}:***@{host}{path}")
        }
        None => addr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_appears_in_a_displayed_address() {
        assert_eq!(
            redact_password("amqp://app:s3cret@rabbitmq:5672/%2f"),
            "amqp://app:***@rabbitmq:5672/%2f"
        );
        assert_eq!(redact_password(DEFAULT_AMQP_ADDR), DEFAULT_AMQP_ADDR);
        assert_eq!(redact_password("not a url"), "not a url");
    }

    #[tokio::test]
    async fn an_unreachable_broker_gives_the_documented_error_within_the_time_allowed() {
        // Port 1 on loopback: nothing listens there, so every attempt is refused at once.
        let config = BrokerConfig {
            addr: "amqp://127.0.0.1:1/%2f".into(),
            connect_timeout: Duration::from_millis(500),
            queues: QueueNames::with_prefix("").unwrap(),
        };
        let started = std::time::Instant::now();
        let error = connect(&config, "test").await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        let text = error.to_string();
        assert!(
            text.starts_with("cannot reach RabbitMQ at amqp://127.0.0.1:1/%2f: "),
            "{text}"
        );
    }
}
