//! Service1 as a real process: the binary Cargo built, started the way the app and a terminal
//! start it, talked to over a real socket. The requests are written by hand on a `TcpStream`:
//! HTTP/1.1 is text, and seeing it once is worth it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Kills and reaps the service when the test ends, passed or failed.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    /// Starts service1 on a free port with `env` and returns it with the `host:port` it announced.
    fn start(env: &[(&str, &str)]) -> (Self, String) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_service1"))
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let running = Self(child);
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("service1 listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        (running, address)
    }

    /// Waits (bounded) for the process to end by itself.
    fn wait_for_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "service1 still runs after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// One HTTP/1.1 request on a new connection, with `x-request-id: test-7`; returns the whole
/// response as text.
fn http(address: &str, request_line: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{request_line} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         x-request-id: test-7\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

/// Runs service1 with `env`, and no inherited `PORT`, to its end (it must fail fast: these are
/// configuration errors) and returns its exit code and stderr.
fn run_to_failure(env: &[(&str, &str)]) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_service1"))
        .env_remove("PORT")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut service = Running(child);
    let status = service.wait_for_exit(Duration::from_secs(30));
    let mut stderr = String::new();
    service
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

#[test]
fn port_0_is_announced_on_stdout_and_the_service_answers_there() {
    let (_service, address) = Running::start(&[]);
    let process = http(&address, "POST /process", r#"{"value":42}"#);
    assert!(
        process.ends_with(r#"{"value":84,"processed":true}"#),
        "{process}"
    );
}

#[test]
fn a_port_that_is_not_a_number_stops_the_service_with_a_clear_error() {
    let (code, stderr) = run_to_failure(&[("PORT", "30o1")]);
    assert_eq!(code, Some(1));
    let expected = "service1: error: cannot listen on 127.0.0.1:30o1 (from PORT): invalid port";
    assert!(stderr.starts_with(expected), "{stderr}");
}

#[test]
fn a_port_already_in_use_stops_the_service_with_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, stderr) = run_to_failure(&[("PORT", &port)]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn without_port_it_tries_3001_and_says_so_when_it_cannot_listen_there() {
    // 3001 taken: by this listener, or by whoever had it already. Either way service1 cannot
    // listen there, which is all this test needs: it never depends on a free 3001.
    let _taken = std::net::TcpListener::bind("127.0.0.1:3001");
    let (code, stderr) = run_to_failure(&[]);
    assert_eq!(code, Some(1));
    let expected =
        "service1: error: cannot listen on 127.0.0.1:3001 (the default: PORT sets another)";
    assert!(stderr.starts_with(expected), "{stderr}");
}

#[test]
fn each_request_is_logged_on_stderr_with_its_request_id() {
    let (mut service, address) = Running::start(&[]);
    http(&address, "POST /process", r#"{"value":42}"#);
    http(&address, "GET /nowhere", "");
    // Each line is written before its answer is sent: both are there by now.
    let stderr = BufReader::new(service.0.stderr.take().unwrap());
    let lines: Vec<String> = stderr.lines().take(2).map(Result::unwrap).collect();
    assert_eq!(
        lines,
        [
            r#"service1: POST /process answered 200 OK, request id "test-7""#,
            r#"service1: GET /nowhere answered 404 Not Found, request id "test-7""#,
        ]
    );
}
