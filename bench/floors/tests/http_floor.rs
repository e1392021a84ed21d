//! The HTTP floor as `cargo xtask bench` runs it: the real binary, its real echo servers on
//! 127.0.0.1, a few pipelines. Every wait is bounded, and a process that outlives its test is
//! killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use measure::Summary;

const FLOOR: &str = env!("CARGO_BIN_EXE_http_floor");

/// Long enough for a loaded 2-core machine, short enough that a hang fails the test.
const LIMIT: Duration = Duration::from_secs(60);

/// What a finished run printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the floor with `args` to its end, or kills it after [`LIMIT`] and fails the test.
fn run_floor(args: &[&str]) -> Run {
    let mut child = Command::new(FLOOR)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes on threads, so a chatty child cannot block on a full pipe while we wait.
    let stdout = read_all_on_a_thread(child.stdout.take().unwrap());
    let stderr = read_all_on_a_thread(child.stderr.take().unwrap());
    let status = wait_with_limit(&mut child);
    Run {
        code: status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn read_all_on_a_thread(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).unwrap();
        text
    })
}

/// The exit code, once the child has exited; kills it and fails the test after [`LIMIT`].
fn wait_with_limit(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the process did not exit within {LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_few_pipelines_end_stdout_with_a_summary_that_counts_exactly_them() {
    let run = run_floor(&["--repeat", "25", "--warmup", "5"]);

    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    let summary = Summary::parse(last).unwrap_or_else(|error| panic!("{error}: {last:?}"));
    // The warm-up pipelines ran but are not counted.
    assert_eq!(summary.requests, 25);
    assert_eq!(summary.ok, 25);
    assert_eq!(summary.failed, 0);
    assert!(summary.p50 > Duration::ZERO, "{last}");
    assert!(summary.p50 <= summary.p99, "{last}");
    // 25 pipelines cannot take less time than their median one times 12 (half of them are at
    // least that long): a check that elapsed covers the measured loop.
    assert!(summary.elapsed >= summary.p50 * 12, "{last}");
}

#[test]
fn bad_arguments_exit_1_with_one_line_on_stderr_and_nothing_on_stdout() {
    for args in [
        &[][..],
        &["--repeat", "0"][..],
        &["--repeat", "ten"][..],
        &["--repeat", "5", "--fast"][..],
    ] {
        let run = run_floor(args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("http_floor: "), "{}", run.stderr);
    }
}

/// An echo server, started the way the floor starts its own; killed when dropped.
struct EchoServer(Child);

impl Drop for EchoServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn an_echo_server_answers_the_body_it_was_sent_and_exits_when_its_stdin_closes() {
    let mut server = EchoServer(
        Command::new(FLOOR)
            .arg("--echo")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("http_floor echo listening on http://")
        .unwrap_or_else(|| panic!("unexpected announcement {line:?}"));

    // A hand-written HTTP/1.1 request, so the test does not share the floor's client code.
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    let body = r#"{"value":42}"#;
    write!(
        stream,
        "POST /echo HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(&format!("\r\n\r\n{body}")), "{answer}");

    // Closing its stdin is what the floor's death looks like to an echo server.
    drop(server.0.stdin.take());
    assert_eq!(wait_with_limit(&mut server.0), Some(0));
}
