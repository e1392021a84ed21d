//! Starting the app and the services for a test, with every wait bounded.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

#[path = "addresses.rs"]
mod addresses;
pub use addresses::{closed_url, nothing_listens_at, url_at_end};

/// Long enough for a loaded 2-core CI machine, short enough that a hang fails the test.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Serves `router` as `service` (the lesson's own `common::server::serve`, log line included) on
/// a free loopback port, on a thread of its own, for the rest of the test binary: a service
/// running outside the app, as `cargo run --bin service1` in another terminal. Returns its URL.
pub fn serve(service: &'static str, router: axum::Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            common::server::serve(service.to_string(), listener, router).await
        })
    });
    url
}

/// What a finished app run printed.
#[derive(Debug)]
pub struct AppRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the app binary to its end with the extra environment `env`. `SERVICE1_URL` and
/// `SERVICE2_URL` are removed from the inherited environment first, so each test says exactly
/// which URLs the app sees. The wait ends when stdout and stderr close, which needs every process
/// holding them gone: the app starts no child, and none may outlive it.
pub fn run_app(env: &[(&str, &str)]) -> AppRun {
    let mut child = Command::new(env!("CARGO_BIN_EXE_app"))
        .env_remove("SERVICE1_URL")
        .env_remove("SERVICE2_URL")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = read_all(child.stdout.take().unwrap());
    let stderr = read_all(child.stderr.take().unwrap());
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the app still runs after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let closed = |text: mpsc::Receiver<String>, which: &str| match text
        .recv_timeout(Duration::from_secs(10))
    {
        Ok(text) => text,
        Err(RecvTimeoutError::Timeout) => panic!("{which} still open: a child outlived the app"),
        Err(RecvTimeoutError::Disconnected) => panic!("cannot read {which}"),
    };
    AppRun {
        code: status.code(),
        stdout: closed(stdout, "stdout"),
        stderr: closed(stderr, "stderr"),
    }
}

/// Reads `stream` to its end on a thread; the text arrives when every writer has closed it.
fn read_all(mut stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stream.read_to_string(&mut text);
        let _ = sender.send(text);
    });
    receiver
}

/// The URLs the app printed for its services, in order.
pub fn printed_urls(stdout: &str) -> Vec<String> {
    let lines = stdout.lines().filter(|line| line.starts_with("service"));
    lines.map(url_at_end).collect()
}

/// The app's error line: its whole stderr is one line starting with `error: `.
pub fn error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line:\n{stderr}");
    assert!(
        lines[0].starts_with("error: "),
        "not an error line: {stderr}"
    );
    lines[0]
}
