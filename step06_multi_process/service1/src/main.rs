//! service1: component1 in a process of its own.
//!
//! It reads requests from stdin and writes replies to stdout, one JSON object per line (the format
//! is documented in the `common` crate), and logs on stderr. The app starts it and talks to it; it
//! can also be run by hand, which is the best way to see the protocol:
//!
//! ```text
//! cargo run -q -p service1
//! {"id":0,"type":"hello","protocol":1}
//! {"id":1,"type":"process","value":42}
//! ```
//!
//! End the session with Ctrl-D (Ctrl-Z then Enter on Windows): EOF on stdin is the clean stop.
//! `--quiet` silences the per-request log lines.

use std::process::ExitCode;

use common::{ReplyBody, RequestBody, ServiceInfo, ServiceLog};
use component1::Component1;
use traits::{ProcessResult, Processor};

const SERVICE: &str = "service1";

fn main() -> ExitCode {
    let info = ServiceInfo {
        service: SERVICE,
        component: "component1",
        version: component1::get_version(),
    };
    let component = Component1::new();
    common::run_service(info, |log, body| handle(&component, log, body))
}

/// Runs one work request through the component and turns its result into the reply.
fn handle(component: &Component1, log: &ServiceLog, body: RequestBody) -> ReplyBody {
    let result = match body {
        RequestBody::Process { value } => {
            log.chatter(format_args!("Processing value: {value}"));
            component.process(value).map(ReplyBody::from)
        }
        RequestBody::Validate { value, processed } => {
            let data = ProcessResult { value, processed };
            log.chatter(format_args!("Validating data: {data:?}"));
            component
                .validate(&data)
                .map(|valid| ReplyBody::Validated { valid })
        }
        other => return common::not_handled_here(SERVICE, &other),
    };
    result.unwrap_or_else(|error| ReplyBody::from(&error))
}
