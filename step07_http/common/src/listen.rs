//! Where a service listens, read from the environment so the same binary runs in a terminal, as a
//! child of the app, and in a container: `PORT` (`0` lets the OS pick a free one) and `BIND_ADDR`
//! (default `127.0.0.1`: only this machine can connect; containers set `0.0.0.0`).
//!
//! The one line a service writes on stdout, `service1 listening on http://127.0.0.1:40123`, is how
//! a parent that started it with `PORT=0` learns which port the OS picked: no guessing a free port
//! (another program could take it between the guess and the bind). Logs go to stderr.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::str::FromStr;

use tokio::net::TcpListener;

/// Why a service could not start listening.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// A variable, its value, what was expected.
    #[error("{0}={1:?} is not valid: expected {2}")]
    Config(&'static str, String, &'static str),
    #[error(
        "cannot listen on {0}: {1}; stop whatever uses that port, or set PORT to another one \
         (PORT=0 picks a free one)"
    )]
    Bind(SocketAddr, #[source] std::io::Error),
    #[error("cannot write the listening address to stdout: {0}")]
    Announce(std::io::Error),
}

/// Binds to `BIND_ADDR:PORT` (`PORT` defaults to `default_port`) and announces the address.
pub async fn bind(service: &str, default_port: u16) -> Result<TcpListener, ListenError> {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let ip = env_or("BIND_ADDR", localhost, "an IP address such as 127.0.0.1")?;
    let port = env_or("PORT", default_port, "a port number from 0 to 65535")?;
    let addr = SocketAddr::new(ip, port);
    let bind_error = |source| ListenError::Bind(addr, source);
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;

    // Rust's stdout writes out each line as it ends, so the parent reads this one at once.
    let announce = writeln!(std::io::stdout(), "{service} listening on http://{local}");
    announce.map_err(ListenError::Announce)?;
    tracing::info!("{service} ready on http://{local} (Ctrl-C to stop)");
    Ok(listener)
}

/// Reads the environment variable `name`, or `default` when it is unset. A value that does not
/// parse is an error naming the variable, the value and what was `expected`: a typo in `PORT`
/// must stop the service, not quietly move it to the default port.
pub fn env_or<T: FromStr>(
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ListenError> {
    let Some(raw) = std::env::var_os(name) else {
        return Ok(default);
    };
    let value = raw.to_string_lossy().into_owned();
    let parsed = value.trim().parse();
    parsed.map_err(|_| ListenError::Config(name, value, expected))
}
