//! The service side: the loop both services run, reading requests and writing replies.
//!
//! `service1` and `service2` differ only in the component they wrap, so the loop lives here and
//! each service passes a `handle` function for its own messages. The loop owns everything that
//! must be the same on both sides of the wire: the hello exchange, the framing, error replies for
//! lines that are not requests, and a clean exit when stdin closes.

use std::fmt;
use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::framing::{self, LineRead, MAX_LINE_BYTES};
use crate::wire::{self, ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, RequestBody};

/// Who a service is, as it introduces itself in the hello reply.
pub struct ServiceInfo {
    /// The binary's name, `service1` or `service2`: the app checks it was given the right one.
    pub service: &'static str,
    /// The component crate the service wraps, and its version.
    pub component: &'static str,
    pub version: &'static str,
}

/// A service's log, on stderr. Stdout is the wire, so nothing else may ever be printed there.
pub struct ServiceLog {
    label: String,
    quiet: bool,
}

impl ServiceLog {
    /// `quiet` silences the per-request chatter (the app asks for it with `--repeat`, where
    /// thousands of lines a second would cost more than the work); lifecycle events still show.
    pub fn new(label: &str, quiet: bool) -> Self {
        Self {
            label: format!("{label} pid {}", std::process::id()),
            quiet,
        }
    }

    /// A per-request line, like the components printed in steps 02-04.
    pub fn chatter(&self, message: fmt::Arguments<'_>) {
        if !self.quiet {
            self.event(message);
        }
    }

    /// A line that always shows: start, stop, bad input, injected faults.
    pub fn event(&self, message: fmt::Arguments<'_>) {
        // One `write` per line: the app and both services share the terminal's stderr, and a
        // line written in pieces can be cut in two by another process's line. A line that cannot
        // be written is dropped: a closed stderr is no reason to stop serving (`eprintln!` would
        // panic instead).
        let line = format!("        [{}] {message}\n", self.label);
        let _ = io::stderr().write_all(line.as_bytes());
    }
}

/// The whole `main` of a service: reads its one option (`--quiet`), then [`serve`]s stdin to
/// stdout with `handle`, and turns the outcome into the exit status (0 when stdin closed).
pub fn run_service(
    info: ServiceInfo,
    mut handle: impl FnMut(&ServiceLog, RequestBody) -> ReplyBody,
) -> ExitCode {
    let quiet = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--quiet") => true,
        Some(other) => {
            let _ = writeln!(
                io::stderr(),
                "{}: unknown argument {other:?}; the only option is --quiet",
                info.service
            );
            return ExitCode::FAILURE;
        }
    };
    let mut label = info.service.to_string();
    label[..1].make_ascii_uppercase();
    let log = ServiceLog::new(&label, quiet);
    let served = serve(
        &info,
        io::stdin().lock(),
        io::stdout().lock(),
        &log,
        |body| handle(&log, body),
    );
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log.event(format_args!(
                "cannot write to stdout ({error}): the app is gone, exiting"
            ));
            ExitCode::FAILURE
        }
    }
}

/// Serves requests from `input` until it closes, answering each on `output`.
///
/// Returns `Ok(())` when `input` reaches its end (the app closed our stdin: the clean way to stop a
/// service) and an error only when `output` can no longer be written, which means the app is gone.
/// Nothing the app sends can make this function panic or stop: every line that is not a request we
/// handle gets an error reply and the loop goes on.
pub fn serve(
    info: &ServiceInfo,
    mut input: impl BufRead,
    mut output: impl Write,
    log: &ServiceLog,
    mut handle: impl FnMut(RequestBody) -> ReplyBody,
) -> io::Result<()> {
    let fault_file = FaultFile::from_env(info.service);
    let mut greeted = false;
    let mut line = Vec::with_capacity(256);
    log.event(format_args!(
        "ready: {} {}, protocol {PROTOCOL_VERSION}",
        info.component, info.version
    ));
    loop {
        let reply = match framing::read_line(&mut input, &mut line, MAX_LINE_BYTES)? {
            LineRead::Eof => {
                log.event(format_args!("stdin closed: exiting"));
                return Ok(());
            }
            LineRead::TooLong => Reply {
                id: None,
                body: ReplyBody::error(
                    ErrorCode::BadRequest,
                    format!("line longer than {MAX_LINE_BYTES} bytes"),
                ),
            },
            LineRead::Line => match wire::parse_request(&line) {
                Err(error_reply) => error_reply,
                Ok(request) => {
                    let body = match request.body {
                        RequestBody::Hello { .. } => {
                            greeted = true;
                            ReplyBody::Hello {
                                protocol: PROTOCOL_VERSION,
                                service: info.service.to_string(),
                                component: info.component.to_string(),
                                version: info.version.to_string(),
                            }
                        }
                        _ if !greeted => ReplyBody::error(
                            ErrorCode::HelloFirst,
                            "send a hello request before any other",
                        ),
                        work => match fault_file.as_ref().and_then(FaultFile::take) {
                            Some(fault) => {
                                log.event(format_args!("fault injected: {fault:?}"));
                                match fault {
                                    Fault::Hang => return hang(input, log),
                                    Fault::Crash => std::process::exit(3),
                                    Fault::Garbage => {
                                        output.write_all(b"this is not JSON\n")?;
                                        output.flush()?;
                                        continue;
                                    }
                                }
                            }
                            None => handle(work),
                        },
                    };
                    Reply {
                        id: Some(request.id),
                        body,
                    }
                }
            },
        };
        if let ReplyBody::Error { error, .. } = &reply.body {
            log.event(format_args!("answered an error: {error}"));
        }
        framing::write_message(&mut output, &reply)?;
    }
}

/// The reply for a work message this service does not handle (say, `transform` sent to service1).
pub fn not_handled_here(service: &str, body: &RequestBody) -> ReplyBody {
    ReplyBody::error(
        ErrorCode::UnknownMessage,
        format!("{service} does not handle {:?} requests", body.kind()),
    )
}

/// Fault injection, for the tests and for the README's "Try this".
///
/// When `SERVICE1_FAULT_FILE` (or `SERVICE2_FAULT_FILE`) names a file, the first work request
/// that finds the file there removes it and misbehaves as the file says: `hang`, `crash` or
/// `garbage`. Removing the file makes the fault happen once: the restarted service finds no file
/// and works, which is exactly the situation a supervisor is for. Without the variable, this costs
/// nothing.
struct FaultFile(PathBuf);

#[derive(Debug)]
enum Fault {
    /// Stop answering, but keep reading stdin, so the process still exits when the app goes away.
    Hang,
    /// Exit at once with status 3, without answering.
    Crash,
    /// Answer with a line that is not JSON.
    Garbage,
}

impl FaultFile {
    fn from_env(service: &str) -> Option<Self> {
        let variable = format!("{}_FAULT_FILE", service.to_uppercase());
        std::env::var_os(variable).map(|path| FaultFile(PathBuf::from(path)))
    }

    fn take(&self) -> Option<Fault> {
        let content = std::fs::read_to_string(&self.0).ok()?;
        // Whoever removes the file owns the fault; a failed removal means someone else did.
        std::fs::remove_file(&self.0).ok()?;
        match content.trim() {
            "hang" => Some(Fault::Hang),
            "crash" => Some(Fault::Crash),
            "garbage" => Some(Fault::Garbage),
            _ => None,
        }
    }
}

fn hang(mut input: impl BufRead, log: &ServiceLog) -> io::Result<()> {
    let mut ignored = Vec::new();
    while framing::read_line(&mut input, &mut ignored, MAX_LINE_BYTES)? != LineRead::Eof {}
    log.event(format_args!("stdin closed while hanging: exiting"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: ServiceInfo = ServiceInfo {
        service: "test_service",
        component: "test_component",
        version: "1.2.3",
    };

    /// Runs the loop over in-memory input and returns the replies it wrote, parsed.
    fn replies_to(input: &str) -> Vec<Reply> {
        let mut output = Vec::new();
        let log = ServiceLog::new("Test", true);
        serve(&INFO, input.as_bytes(), &mut output, &log, |body| {
            ReplyBody::error(ErrorCode::Rejected, body.kind())
        })
        .unwrap();
        output
            .split(|&byte| byte == b'\n')
            .filter(|line| !line.is_empty())
            .map(|line| serde_json::from_slice(line).unwrap())
            .collect()
    }

    #[test]
    fn hello_is_answered_with_the_services_identity() {
        let replies = replies_to("{\"id\":0,\"type\":\"hello\",\"protocol\":1}\n");
        assert_eq!(
            replies,
            vec![Reply {
                id: Some(0),
                body: ReplyBody::Hello {
                    protocol: PROTOCOL_VERSION,
                    service: "test_service".into(),
                    component: "test_component".into(),
                    version: "1.2.3".into(),
                }
            }]
        );
    }

    #[test]
    fn work_before_hello_is_refused_and_work_after_it_reaches_the_handler() {
        let replies = replies_to(concat!(
            "{\"id\":1,\"type\":\"process\",\"value\":1}\n",
            "{\"id\":2,\"type\":\"hello\",\"protocol\":1}\n",
            "{\"id\":3,\"type\":\"process\",\"value\":1}\n",
        ));
        let codes: Vec<_> = replies
            .iter()
            .map(|reply| match &reply.body {
                ReplyBody::Error { code, error } => format!("{:?} {code:?} {error}", reply.id),
                ReplyBody::Hello { .. } => format!("{:?} hello", reply.id),
                other => panic!("unexpected reply {other:?}"),
            })
            .collect();
        assert_eq!(
            codes,
            [
                "Some(1) HelloFirst send a hello request before any other",
                "Some(2) hello",
                "Some(3) Rejected process"
            ]
        );
    }
}
