//! Addresses, for the lesson's tests and the hardened ones (`hardened/tests/end_to_end/support.rs`
//! includes this file by path): one copy of each helper in the step.

use std::time::Duration;

/// The URL at the end of a line such as `service1 at http://127.0.0.1:40123`.
pub fn url_at_end(line: &str) -> String {
    line.rsplit(' ').next().unwrap().to_string()
}

/// True when nothing accepts connections at `url` (`http://host:port`) any more.
pub fn nothing_listens_at(url: &str) -> bool {
    let address = url.trim_start_matches("http://").parse().unwrap();
    std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2)).is_err()
}

/// A loopback URL where nothing listens: bind port 0, note the port, close it.
pub fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}
