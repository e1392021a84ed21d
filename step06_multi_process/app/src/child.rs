use std::env::consts::EXE_SUFFIX;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use common::Request;

use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use crate::reply;

const TIMEOUT: Duration = Duration::from_secs(5);

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Vec<u8>>, // the lines of the child's stdout
}

impl ServiceProcess {
    pub fn start(dir: &Path, name: &str) -> Result<Self, CallError> {
        let mut child = start_program(dir, name)?;
        // `take`: move each pipe out of `child`, where it sits in an `Option`. `expect`: it is
        // there (we asked for pipes above), else panic with this text.
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        // A read from a pipe waits until a line comes, with no time limit: a hung child would
        // hang the app. So a thread of its own does the reading (and may wait forever), and sends
        // each line (as bytes, up to the newline byte `b'\n'`: a broken child may write anything)
        // into a channel, on which `call` waits 5 s at most. When stdout closes (the child exited)
        // or a read fails, the loop ends and drops `sender`: `call` gets `Disconnected`.
        let (sender, replies) = mpsc::channel();
        thread::spawn(move || {
            // `move`: the thread owns `stdout` and `sender` from now on.
            // `BufReader`: reads the pipe in large chunks; `split` cuts them at each newline.
            for line in BufReader::new(stdout).split(b'\n') {
                match line {
                    Ok(line) => {
                        let _ = sender.send(line); // `let _ =`: ignore the error (no one waits)
                    }
                    Err(_) => break, // the pipe failed: the same as closed
                }
            }
        });
        Ok(ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            replies,
        })
    }

    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        // `(&self.stdin)`: a shared `&ChildStdin` can write too, so `call` needs only `&self`, as
        // the traits' methods have.
        if let Err(error) = (&self.stdin).write_all(common::to_line(request).as_bytes()) {
            let reason = format!("cannot write to it: {error}");
            return Err(reply::unavailable(&self.name, reason));
        }
        match self.replies.recv_timeout(TIMEOUT) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
            Err(RecvTimeoutError::Disconnected) => {
                Err(reply::unavailable(&self.name, "it exited".to_string()))
            }
        }
    }
}

/// Starts `dir/name` with its stdin and stdout piped to the app.
pub fn start_program(dir: &Path, name: &str) -> Result<Child, CallError> {
    let path = dir.join(format!("{name}{EXE_SUFFIX}")); // ".exe" on Windows
    let mut command = Command::new(&path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()); // stderr: the app's own
    command.spawn().map_err(|error| {
        let path = path.display();
        let reason = format!("cannot start {path}: {error} (`cargo build` builds it)");
        reply::unavailable(name, reason)
    })
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait(); // reaps it, so it does not stay a zombie
    }
}

impl Processor for ServiceProcess {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let line = self.call(&Request::Process { value })?;
        reply::processed(&self.name, &line)
    }
}

impl Transformer for ServiceProcess {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let line = self.call(&Request::Transform { value })?;
        reply::transformed(&self.name, &line)
    }
}
