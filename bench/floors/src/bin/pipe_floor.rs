//! The floor under step 06: two child processes that echo lines over their stdin and stdout.
//!
//! Step 06 runs each component in a child process and talks to it in lines over pipes. One of its
//! pipelines is two round trips: `process` to service1, then `transform` to service2 (`validate`
//! and `analyze` run in the app). This program does the same two round trips, to two children
//! started the same way, with the same request lines, and nothing else: the children do no component work, parse
//! nothing, and write back the line they read. What it measures is what any line protocol over
//! pipes costs on this machine, the price step 06 cannot go below. `cargo xtask bench` puts this
//! row next to step 06's hardened app; the difference is what step 06 itself adds (JSON, the
//! supervisor, the watchdog that makes its timeouts work).
//!
//! Both ends do what any line protocol must, and no more: the client writes a whole line with one
//! `write` and reads the reply through a buffered reader, on the calling thread; the echo child
//! reads through a buffered reader and flushes each reply, because the client is blocked until it
//! arrives.
//!
//! Run it from `bench/floors/`:
//!
//! ```text
//! cargo run --release --bin pipe_floor -- --repeat 2000 --warmup 200
//! ```
//!
//! The last line of stdout is the `summary:` line every bench program prints. The children are the
//! same executable started with the hidden argument `--echo`.

use std::env;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use measure::{RunArgs, Summary};

/// The hidden argument that turns this program into an echo child.
const ECHO_MODE: &str = "--echo";

/// How long a child may take to answer one line: step 06's default `--timeout-ms`.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a child gets to exit once its stdin is closed, before it is killed (as in step 06).
const STOP_GRACE: Duration = Duration::from_secs(2);

/// How often the watchdog looks at the progress counter.
const WATCHDOG_POLL: Duration = Duration::from_millis(50);

/// The lines step 06 writes in one pipeline, byte for byte: one to service1, one to service2. The
/// echo sends each back, so a reply here is the size of its request, within 20 bytes of step
/// 06's replies.
const SERVICE1_LINE: &[u8] = b"{\"type\":\"process\",\"value\":42}\n";
const SERVICE2_LINE: &[u8] = b"{\"type\":\"transform\",\"value\":84}\n";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(ECHO_MODE) {
        return echo();
    }
    let run_args = match RunArgs::parse(args) {
        Ok(run_args) => run_args,
        Err(message) => {
            eprintln!(
                "pipe_floor: {message}. Usage: pipe_floor {}",
                RunArgs::USAGE
            );
            return ExitCode::FAILURE;
        }
    };
    match run(run_args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("pipe_floor: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The echo child: every line read on stdin goes back on stdout, until stdin closes.
fn echo() -> ExitCode {
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    let mut line = Vec::with_capacity(256);
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            // Stdin closed: the parent is done with us (or gone). The clean way out.
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) => {}
            Err(error) => {
                eprintln!("pipe_floor echo child: cannot read stdin: {error}");
                return ExitCode::FAILURE;
            }
        }
        // The flush matters: the parent is blocked until this line reaches it.
        if let Err(error) = output.write_all(&line).and_then(|()| output.flush()) {
            eprintln!("pipe_floor echo child: cannot write stdout ({error}): the parent is gone");
            return ExitCode::FAILURE;
        }
    }
}

/// Starts two echo children, measures the pipelines, stops the children, whatever happened.
fn run(args: RunArgs) -> Result<Summary, String> {
    let exe = env::current_exe().map_err(|error| {
        format!("cannot find this program's own path to start the echo children: {error}")
    })?;

    let (child1, mut service1) = spawn_echo(&exe, "service1")?;
    let (child2, mut service2) = match spawn_echo(&exe, "service2") {
        Ok(started) => started,
        Err(message) => {
            drop(service1);
            stop_children(vec![child1]);
            return Err(message);
        }
    };

    let watchdog = Watchdog::start(vec![child1, child2]);
    let measured = measure::measure(args, || {
        service1.round_trip(SERVICE1_LINE, &watchdog.progress)?;
        service2.round_trip(SERVICE2_LINE, &watchdog.progress)?;
        Ok::<(), String>(())
    });
    // Closing their stdin is how the children are told to exit.
    drop((service1, service2));
    let (children, fired) = watchdog.stop();
    stop_children(children);
    match measured {
        Ok(summary) => Ok(summary),
        Err(_) if fired => Err(format!(
            "an echo child did not answer within {} s, so both were killed: is the machine \
             overloaded? Run again",
            REPLY_TIMEOUT.as_secs()
        )),
        Err(message) => Err(message),
    }
}

/// Our ends of one echo child's pipes.
struct EchoPeer {
    name: &'static str,
    pid: u32,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    reply: Vec<u8>,
}

fn spawn_echo(exe: &Path, name: &'static str) -> Result<(Child, EchoPeer), String> {
    let mut child = Command::new(exe)
        .arg(ECHO_MODE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|error| {
            format!(
                "cannot start the echo child for {name} from {}: {error}",
                exe.display()
            )
        })?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        // Cannot happen with `Stdio::piped()`; if it did, the child must not be left behind.
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!(
            "the pipes to the echo child for {name} were not created"
        ));
    };
    let peer = EchoPeer {
        name,
        pid: child.id(),
        stdin,
        stdout: BufReader::new(stdout),
        reply: Vec::with_capacity(256),
    };
    Ok((child, peer))
}

impl EchoPeer {
    /// Writes `line` (newline included) and reads the reply line, on this thread.
    ///
    /// The read has no timeout of its own (a pipe has none); the [`Watchdog`] bounds it by killing
    /// the children, which closes their stdout and ends the read. `progress` tells the watchdog
    /// that the exchange finished.
    fn round_trip(&mut self, line: &[u8], progress: &AtomicU64) -> Result<(), String> {
        // `ChildStdin` has no buffer: `write_all` of a short line is one `write` call, which is
        // also what puts it in the pipe at once. The flush is there for the reader's sake.
        self.stdin
            .write_all(line)
            .and_then(|()| self.stdin.flush())
            .map_err(|error| self.failed(format!("could not be written to ({error})")))?;
        self.reply.clear();
        match self.stdout.read_until(b'\n', &mut self.reply) {
            Ok(0) => return Err(self.failed("closed its stdout".into())),
            Ok(_) => {}
            Err(error) => return Err(self.failed(format!("could not be read from ({error})"))),
        }
        progress.fetch_add(1, Ordering::Relaxed);
        if self.reply != line {
            return Err(self.failed(format!(
                "answered {:?} to {:?}",
                String::from_utf8_lossy(&self.reply),
                String::from_utf8_lossy(line)
            )));
        }
        Ok(())
    }

    fn failed(&self, what: String) -> String {
        format!(
            "the echo child for {} (pid {}) {what}; it should only ever echo: run again, and \
             report it if it persists",
            self.name, self.pid
        )
    }
}

/// Bounds every read: a thread that kills the children if no round trip finishes for
/// [`REPLY_TIMEOUT`].
///
/// Killing a child closes its end of the pipe, so the blocked read on the calling thread returns.
/// This costs the measured loop one atomic increment per round trip, and keeps the reads on the
/// calling thread, where a bare pipe client does them.
struct Watchdog {
    progress: Arc<AtomicU64>,
    fired: Arc<AtomicBool>,
    done: Sender<()>,
    thread: JoinHandle<Vec<Child>>,
}

impl Watchdog {
    /// Takes the children: the watchdog holds them until [`Watchdog::stop`] hands them back.
    fn start(mut children: Vec<Child>) -> Watchdog {
        let progress = Arc::new(AtomicU64::new(0));
        let fired = Arc::new(AtomicBool::new(false));
        let (done, stop_requested) = mpsc::channel::<()>();
        let thread = {
            let progress = Arc::clone(&progress);
            let fired = Arc::clone(&fired);
            thread::spawn(move || {
                let mut seen = progress.load(Ordering::Relaxed);
                let mut since = Instant::now();
                loop {
                    match stop_requested.recv_timeout(WATCHDOG_POLL) {
                        Err(RecvTimeoutError::Timeout) => {}
                        // Asked to stop, or the sender was dropped: the run is over.
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return children,
                    }
                    let now = progress.load(Ordering::Relaxed);
                    if now != seen {
                        seen = now;
                        since = Instant::now();
                    } else if since.elapsed() >= REPLY_TIMEOUT {
                        fired.store(true, Ordering::Relaxed);
                        for child in &mut children {
                            let _ = child.kill();
                        }
                        return children;
                    }
                }
            })
        };
        Watchdog {
            progress,
            fired,
            done,
            thread,
        }
    }

    /// Stops watching; returns the children, and whether the watchdog had to kill them.
    fn stop(self) -> (Vec<Child>, bool) {
        let _ = self.done.send(());
        // The watchdog's code cannot panic, so `join` returns its children.
        let children = self.thread.join().unwrap_or_default();
        (children, self.fired.load(Ordering::Relaxed))
    }
}

/// Waits for each child to exit (their stdin must be closed already), killing any that is still
/// running after [`STOP_GRACE`], so none is left running or unreaped.
fn stop_children(children: Vec<Child>) {
    for mut child in children {
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            match child.try_wait() {
                Ok(Some(_)) => break,
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                // Still running after the grace period, or cannot be asked: kill it and reap it.
                Ok(None) | Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
            }
        }
    }
}
