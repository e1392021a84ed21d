use std::env::consts::EXE_SUFFIX;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use common::Request;

// The pipeline's own result types, not `common`'s: `reply.rs` copies a reply into them.
use crate::pipeline::{CallError, ProcessResult, Processor, TransformResult, Transformer};
use crate::reply::{processed, transformed, unavailable};

const TIMEOUT: Duration = Duration::from_secs(5);

pub struct ServiceProcess {
    name: String,
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<Vec<u8>>,
}

impl ServiceProcess {
    pub fn start(dir: &Path, name: &str) -> Result<Self, CallError> {
        let mut child = start_program(dir, name)?;
        let stdin = child.stdin.take().expect("`start_program` pipes it");
        let stdout = child.stdout.take().expect("`start_program` pipes it");
        // A read from a pipe has no timeout: a thread reads, and `call` waits on a channel.
        let (sender, replies) = mpsc::channel();
        thread::spawn(|| read_lines(stdout, sender));
        Ok(ServiceProcess {
            name: name.to_string(),
            child,
            stdin,
            replies,
        })
    }

    pub fn call(&self, request: &Request) -> Result<Vec<u8>, CallError> {
        // `write_all` needs `&mut`, `call` has `&self`; `&ChildStdin` implements `Write` too.
        let mut stdin = &self.stdin;
        let line = common::to_line(request); // JSON, then "\n"
        if let Err(error) = stdin.write_all(line.as_bytes()) {
            let reason = format!("cannot write to it: {error}");
            return Err(unavailable(&self.name, reason));
        }
        match self.replies.recv_timeout(TIMEOUT) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => Err(CallError::TimedOut {
                component: self.name.clone(),
                waited: TIMEOUT,
            }),
            Err(RecvTimeoutError::Disconnected) => Err(unavailable(&self.name, "it exited".into())),
        }
    }
}

pub fn start_program(dir: &Path, name: &str) -> Result<Child, CallError> {
    let path = dir.join(format!("{name}{EXE_SUFFIX}"));
    let mut command = Command::new(&path);
    command.stdin(Stdio::piped()).stdout(Stdio::piped());
    command.spawn().map_err(|error| {
        let path = path.display();
        let reason = format!("cannot start {path}: {error} (`cargo build` builds it)");
        unavailable(name, reason)
    })
}

fn read_lines(stdout: ChildStdout, sender: Sender<Vec<u8>>) -> io::Result<()> {
    for line in BufReader::new(stdout).split(b'\n') {
        let _ = sender.send(line?);
    }
    Ok(())
}

/// Stops the child: kills it, then waits for its end.
impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Processor for ServiceProcess {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError> {
        let line = self.call(&Request::Process { value })?;
        processed(&self.name, &line)
    }
}

impl Transformer for ServiceProcess {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError> {
        let line = self.call(&Request::Transform { value })?;
        transformed(&self.name, &line)
    }
}
