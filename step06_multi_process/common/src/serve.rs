//! The service side: the loop both services run, one request line in, one reply line out.
//!
//! `service1` and `service2` differ only in the component they wrap, so the loop lives here and
//! each service passes a `handle` function for its own work. The loop owns what must be the same
//! in both: the hello exchange, the framing, an error reply for any line that is not a request
//! this service handles, and a clean exit when stdin closes.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use crate::framing::{self, LineRead, MAX_LINE_BYTES};
use crate::wire;
use crate::{ErrorCode, PROTOCOL_VERSION, Reply, ReplyBody, RequestBody};

/// Who a service is, as it introduces itself in the hello reply.
pub struct ServiceInfo {
    /// The binary's name, `service1` or `service2`: the app checks it started the right one.
    pub service: &'static str,
    /// The component crate the service wraps, and its version.
    pub component: &'static str,
    pub version: &'static str,
}

/// The whole `main` of a service: reads its one option, `--quiet` (no per-request log lines; the
/// app asks for it under `--repeat`), then [`serve`]s stdin to stdout. `handle` gets the request
/// and whether to log it; it returns `None` for a request this service does not handle.
pub fn run_service(
    info: &ServiceInfo,
    mut handle: impl FnMut(RequestBody, bool) -> Option<ReplyBody>,
) -> ExitCode {
    let quiet = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--quiet") => true,
        Some(other) => {
            log(
                info,
                format_args!("unknown argument {other:?}; the only option is --quiet"),
            );
            return ExitCode::FAILURE;
        }
    };
    let (stdin, stdout) = (io::stdin().lock(), io::stdout().lock());
    match serve(info, stdin, stdout, |body| handle(body, quiet)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log(
                info,
                format_args!("cannot write to stdout ({error}): the app is gone"),
            );
            ExitCode::FAILURE
        }
    }
}

/// Serves requests from `input` until it closes, answering each on `output`.
///
/// Returns `Ok(())` at the end of `input` (the app closed our stdin: the clean way to stop a
/// service), and an error only when `output` cannot be written, which means the app is gone.
/// Nothing the app sends can make this loop panic or stop: every line that is not a request this
/// service handles gets an error reply, and the loop goes on.
pub fn serve(
    info: &ServiceInfo,
    mut input: impl BufRead,
    mut output: impl Write,
    mut handle: impl FnMut(RequestBody) -> Option<ReplyBody>,
) -> io::Result<()> {
    log(
        info,
        format_args!(
            "ready: {} {}, protocol {PROTOCOL_VERSION}",
            info.component, info.version
        ),
    );
    let mut greeted = false;
    let mut line = Vec::with_capacity(256);
    loop {
        let reply = match framing::read_line(&mut input, &mut line, MAX_LINE_BYTES)? {
            LineRead::Eof => {
                log(info, format_args!("stdin closed: exiting"));
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
                        work => {
                            let kind = work.kind();
                            handle(work).unwrap_or_else(|| {
                                let error = format!("{} does not handle {kind:?}", info.service);
                                ReplyBody::error(ErrorCode::UnknownMessage, error)
                            })
                        }
                    };
                    Reply {
                        id: Some(request.id),
                        body,
                    }
                }
            },
        };
        if let ReplyBody::Error { error, .. } = &reply.body {
            log(info, format_args!("answered an error: {error}"));
        }
        framing::write_message(&mut output, &reply)?;
    }
}

/// Writes one line of the service's log on stderr, as `[service1 pid 1234] ...`. Stdout is the
/// wire: nothing else may ever be printed there. The line goes out in one `write`, so the app's
/// and the other service's lines (they share this stderr) cannot cut into it; a line that cannot
/// be written is dropped (`eprintln!` would panic instead).
pub fn log(info: &ServiceInfo, message: std::fmt::Arguments<'_>) {
    let line = format!(
        "        [{} pid {}] {message}\n",
        info.service,
        std::process::id()
    );
    let _ = io::stderr().write_all(line.as_bytes());
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
        // A handler that handles `process` only, answering with an error that names it.
        serve(&INFO, input.as_bytes(), &mut output, |body| {
            let handled = matches!(body, RequestBody::Process { .. });
            handled.then(|| ReplyBody::error(ErrorCode::Overflow, body.kind()))
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
    fn work_before_hello_is_refused_and_work_after_it_reaches_the_handler_or_is_unknown() {
        let replies = replies_to(concat!(
            "{\"id\":1,\"type\":\"process\",\"value\":1}\n",
            "{\"id\":2,\"type\":\"hello\",\"protocol\":1}\n",
            "{\"id\":3,\"type\":\"process\",\"value\":1}\n",
            "{\"id\":4,\"type\":\"transform\",\"value\":1}\n",
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
                "Some(3) Overflow process",
                "Some(4) UnknownMessage test_service does not handle \"transform\""
            ]
        );
    }
}
