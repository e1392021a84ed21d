//! Is a RabbitMQ broker reachable? Step 08 cannot run without one, and the journey says so
//! instead of failing.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The address every part of step 08 uses when `AMQP_ADDR` is not set.
pub const DEFAULT_AMQP_ADDR: &str = "amqp://127.0.0.1:5672/%2f";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub fn amqp_addr() -> String {
    std::env::var("AMQP_ADDR").unwrap_or_else(|_| DEFAULT_AMQP_ADDR.to_string())
}

/// A TCP connection to the broker's port is enough to know that step 08 can try; the step
/// itself reports anything deeper (credentials, vhost).
pub fn check_reachable(addr: &str) -> Result<(), String> {
    let (host, port) = host_and_port(addr)?;
    let unreachable = |cause: String| {
        format!(
            "RabbitMQ is not reachable at {host}:{port} ({cause}); start one with your OS \
             package (`rabbitmq-server -detached`) or Docker (`docker run -d -p 5672:5672 \
             rabbitmq:4-management`)"
        )
    };
    let socket_addrs = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?;
    let mut last_error = String::from("the host name resolves to no address");
    for socket_addr in socket_addrs {
        match TcpStream::connect_timeout(&socket_addr, CONNECT_TIMEOUT) {
            Ok(_) => return Ok(()),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(unreachable(last_error))
}

/// Host and port of an `amqp://user:pass@host:port/vhost` URI, with AMQP's default ports.
fn host_and_port(addr: &str) -> Result<(String, u16), String> {
    let (rest, default_port) = if let Some(rest) = addr.strip_prefix("amqp://") {
        (rest, 5672)
    } else if let Some(rest) = addr.strip_prefix("amqps://") {
        (rest, 5671)
    } else {
        return Err(format!(
            "AMQP_ADDR `{addr}` is not an amqp:// or amqps:// URI; unset it or fix it"
        ));
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        // An IPv6 literal: `[::1]:5672`.
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| format!("AMQP_ADDR `{addr}` has an unclosed `[`"))?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(format!("AMQP_ADDR `{addr}` names no host"));
    }
    let port = match port {
        None | Some("") => default_port,
        Some(port) => port
            .parse()
            .map_err(|_| format!("AMQP_ADDR `{addr}` has an invalid port `{port}`"))?,
    };
    Ok((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn default_address_is_loopback_on_the_amqp_port() {
        assert_eq!(
            host_and_port(DEFAULT_AMQP_ADDR),
            Ok(("127.0.0.1".to_string(), 5672))
        );
    }

    #[test]
    fn credentials_vhost_and_custom_port_are_understood() {
        assert_eq!(
            host_and_port("amqp://app:secret@rabbitmq:5673/%2f?heartbeat=10"),
            Ok(("rabbitmq".to_string(), 5673))
        );
    }

    #[test]
    fn missing_port_falls_back_to_the_scheme_default() {
        assert_eq!(
            host_and_port("amqps://broker.example"),
            Ok(("broker.example".to_string(), 5671))
        );
    }

    #[test]
    fn ipv6_literal_keeps_its_colons() {
        assert_eq!(
            host_and_port("amqp://[::1]:5672/%2f"),
            Ok(("::1".to_string(), 5672))
        );
    }

    #[test]
    fn other_schemes_are_rejected_with_the_variable_named() {
        let error = host_and_port("http://127.0.0.1:5672").unwrap_err();
        assert!(error.contains("AMQP_ADDR"), "{error}");
    }

    #[test]
    fn a_listening_port_counts_as_reachable() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(
            check_reachable(&format!("amqp://127.0.0.1:{port}/%2f")),
            Ok(())
        );
    }

    #[test]
    fn a_closed_port_is_unreachable_and_the_reason_says_how_to_start_rabbitmq() {
        // Bind then drop: the port was free a moment ago and nothing listens on it now.
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let reason = check_reachable(&format!("amqp://127.0.0.1:{port}/%2f")).unwrap_err();
        assert!(reason.contains(&format!("127.0.0.1:{port}")), "{reason}");
        assert!(reason.contains("rabbitmq-server"), "{reason}");
    }
}
