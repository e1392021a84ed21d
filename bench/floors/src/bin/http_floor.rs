//! The floor under step 07: what a pipeline costs when it is nothing but two HTTP round trips on
//! loopback.
//!
//! A step 07 pipeline is two requests from one app to two services: `POST /process` to service1,
//! then `POST /transform` to service2. This program does the same two exchanges with nothing on
//! either end: two echo servers that answer each request with its own body, and a client that
//! checks it got that body back. Same crates and settings as step 07, so the difference between
//! the two is what step 07 itself adds:
//!
//! - servers: axum 0.8 (`http1`, `tokio`), `axum::serve` with its defaults, on tokio's
//!   multi-threaded runtime, each in its own process bound to `127.0.0.1:0`;
//! - client: one `reqwest::Client` shared by both servers, built like step 07's `build_client`
//!   (connect timeout 2 s, request timeout 5 s, no proxy), on tokio's multi-threaded runtime, with
//!   the pipelines running in a spawned task as step 07's `--repeat` does;
//! - bodies: `{"value":42}` with `content-type: application/json`, about the size of the JSON the
//!   step sends and receives.
//!
//! What it leaves out is the step: no JSON (de)serialization, no request id, no middleware (log
//! line, timeout, body limit), no retry wrapper, no status-to-error mapping beyond "2xx or fail".
//!
//! Run it from `bench/floors/`:
//!
//! ```sh
//! cargo run --release --bin http_floor -- --repeat 2000 --warmup 200
//! ```
//!
//! It starts the two echo servers as child processes of its own executable (hidden mode
//! `--echo`), runs the warm-up pipelines, measures the others, stops and reaps both children, and
//! prints one `summary:` line as the last line of stdout. `cargo xtask bench` reads that line.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use measure::{RunArgs, Summary};

/// The hidden argument that turns this program into one echo server.
const ECHO_MODE: &str = "--echo";
/// What an echo server prints first on stdout, followed by its URL.
const ANNOUNCEMENT: &str = "http_floor echo listening on ";
/// Step 07's client settings (`app/src/http.rs`): the same timeouts, so the same timers are armed
/// around every request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an echo server has to say where it listens (step 07 gives its services as long).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);
/// The body of every request: step 07's request body, byte for byte.
const BODY: &[u8] = br#"{"value":42}"#;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(ECHO_MODE) {
        return echo_server();
    }
    let run_args = match RunArgs::parse(args) {
        Ok(run_args) => run_args,
        Err(error) => {
            eprintln!("http_floor: {error}; usage: http_floor {}", RunArgs::USAGE);
            return ExitCode::FAILURE;
        }
    };
    match run(run_args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("http_floor: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Starts both echo servers, measures, and stops them. The servers are locals declared before the
/// runtime, so on every way out of this function (success or `?`) the runtime is shut down first
/// and then both children are killed and reaped by [`EchoChild`]'s `Drop`.
fn run(args: RunArgs) -> Result<Summary, String> {
    let exe = std::env::current_exe().map_err(|error| {
        format!("cannot tell where this program is ({error}) to start its echo servers")
    })?;
    let first = EchoChild::spawn(&exe, "first")?;
    let second = EchoChild::spawn(&exe, "second")?;
    let urls = [first.wait_for_url()?, second.wait_for_url()?];

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the tokio runtime: {error}"))?;
    let client = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(REQUEST_TIMEOUT)
        .no_proxy()
        .build()
        .map_err(|error| format!("cannot set up the HTTP client: {error}"))?;

    // Step 07 runs its pipelines in tasks spawned on the runtime's worker threads; so do we. The
    // future given to `block_on` runs on the main thread instead, which is not a worker: every
    // reply would then be handed over from a worker thread to it, a cost step 07 does not pay.
    runtime.block_on(async move {
        let measuring = tokio::spawn(async move {
            for _ in 0..args.warmup {
                pipeline(&client, &urls).await?;
            }
            let mut latencies = Vec::with_capacity(args.repeat);
            let started = Instant::now();
            for _ in 0..args.repeat {
                let one = Instant::now();
                pipeline(&client, &urls).await?;
                latencies.push(one.elapsed());
            }
            Ok(Summary::of_latencies(latencies, started.elapsed()))
        });
        measuring
            .await
            .map_err(|error| format!("the measuring task stopped: {error}"))?
    })
}

/// One pipeline: one request to each echo server, in turn, as step 07 calls service1 then
/// service2. Each answer is read to the end and checked, so a broken transport cannot pass for a
/// fast one.
async fn pipeline(client: &reqwest::Client, urls: &[String; 2]) -> Result<(), String> {
    for url in urls {
        let response = client
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(BODY)
            .send()
            .await
            .map_err(|error| format!("POST {url} failed: {}", root_cause(&error)))?;
        let status = response.status();
        let body = response.bytes().await.map_err(|error| {
            format!("reading the answer of {url} failed: {}", root_cause(&error))
        })?;
        if !status.is_success() || body != BODY {
            return Err(format!(
                "{url} answered {status} with {:?} instead of echoing {:?}",
                String::from_utf8_lossy(&body),
                String::from_utf8_lossy(BODY)
            ));
        }
    }
    Ok(())
}

/// reqwest's own message is "error sending request for url (...)"; the useful part, such as
/// "Connection refused (os error 111)", is at the bottom of the chain of sources.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// One echo server, a child process of this program. Dropping it kills and reaps the process.
struct EchoChild {
    name: &'static str,
    child: Child,
    /// The first line of the child's stdout, delivered by a reader thread.
    announcement: mpsc::Receiver<std::io::Result<String>>,
}

impl EchoChild {
    /// Starts `exe --echo`. Its stdin is a pipe we never write to: the child exits when it closes,
    /// which is how an echo server notices that this program died without stopping it.
    fn spawn(exe: &Path, name: &'static str) -> Result<EchoChild, String> {
        let mut child = Command::new(exe)
            .arg(ECHO_MODE)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| {
                format!(
                    "cannot start the {name} echo server from {}: {error}",
                    exe.display()
                )
            })?;
        let stdout = child.stdout.take();
        let (sender, announcement) = mpsc::channel();
        if let Some(stdout) = stdout {
            // A pipe read blocks with no timeout of its own, so it runs on a thread and we wait on
            // the channel with one. If the child never speaks, `Drop` kills it, which ends the
            // read with end-of-file and lets the thread finish.
            std::thread::spawn(move || {
                let mut line = String::new();
                let result = BufReader::new(stdout).read_line(&mut line).map(|_| line);
                let _ = sender.send(result);
            });
        }
        Ok(EchoChild {
            name,
            child,
            announcement,
        })
    }

    /// Waits (up to [`STARTUP_TIMEOUT`]) for the line that gives the server's URL, and returns
    /// the URL of its echo route.
    fn wait_for_url(&self) -> Result<String, String> {
        let name = self.name;
        let line = match self.announcement.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(line)) => line,
            Ok(Err(error)) => {
                return Err(format!(
                    "cannot read what the {name} echo server printed: {error}"
                ));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "the {name} echo server did not say where it listens within {} s",
                    STARTUP_TIMEOUT.as_secs()
                ));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(format!("the {name} echo server has no stdout to read"));
            }
        };
        match line.trim().strip_prefix(ANNOUNCEMENT) {
            Some(url) if url.starts_with("http://") => Ok(format!("{url}/echo")),
            _ => Err(format!(
                "the {name} echo server exited or printed {:?} instead of \
                 `{ANNOUNCEMENT}http://...` (see its error above)",
                line.trim()
            )),
        }
    }
}

impl Drop for EchoChild {
    fn drop(&mut self) {
        // Both fail only when the child is already gone, which is the state we want anyway.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hidden `--echo` mode: an axum server with one route, `POST /echo`, that answers the body it
/// was sent, on a free loopback port announced on stdout. Built like step 07's services (axum on
/// tokio's multi-threaded runtime, plain `axum::serve`), without their middleware and handlers.
fn echo_server() -> ExitCode {
    // The parent holds our stdin open and never writes to it. End-of-file means the parent is
    // gone (killed, crashed): exit rather than linger as an orphan holding a port.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        std::process::exit(0);
    });

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("http_floor echo: cannot start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve_echo()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("http_floor echo: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_echo() -> Result<(), String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| format!("cannot listen on {addr}: {error}"))?;
    let local = listener
        .local_addr()
        .map_err(|error| format!("cannot tell which port the OS gave: {error}"))?;

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{ANNOUNCEMENT}http://{local}")
        .and_then(|()| stdout.flush())
        .map_err(|error| format!("cannot tell the parent where it listens: {error}"))?;
    drop(stdout);

    let router = Router::new().route("/echo", post(echo));
    axum::serve(listener, router)
        .await
        .map_err(|error| format!("the server on {local} stopped: {error}"))
}

/// Answers the request body as it came, labelled JSON like step 07's answers.
async fn echo(body: Bytes) -> ([(axum::http::HeaderName, &'static str); 1], Bytes) {
    ([(CONTENT_TYPE, "application/json")], body)
}
