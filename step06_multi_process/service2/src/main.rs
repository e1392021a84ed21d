//! service2: component2 in a process of its own.
//!
//! It reads requests from stdin and writes replies to stdout, one JSON object per line (the format
//! is documented in the `common` crate), and logs on stderr. The app starts it and talks to it; it
//! can also be run by hand, which is the best way to see the protocol:
//!
//! ```text
//! cargo run -q -p service2
//! {"id":0,"type":"hello","protocol":1}
//! {"id":1,"type":"transform","value":84}
//! ```
//!
//! End the session with Ctrl-D (Ctrl-Z then Enter on Windows): EOF on stdin is the clean stop.
//! `--quiet` silences the per-request log lines.

use std::process::ExitCode;

use common::{ReplyBody, RequestBody, ServiceInfo, ServiceLog};
use component2::Component2;
use traits::{TransformResult, Transformer};

const SERVICE: &str = "service2";

fn main() -> ExitCode {
    let info = ServiceInfo {
        service: SERVICE,
        component: "component2",
        version: component2::get_version(),
    };
    let component = Component2::new();
    common::run_service(info, |log, body| handle(&component, log, body))
}

/// Runs one work request through the component and turns its result into the reply.
fn handle(component: &Component2, log: &ServiceLog, body: RequestBody) -> ReplyBody {
    let result = match body {
        RequestBody::Transform { value } => {
            log.chatter(format_args!("Transforming value: {value}"));
            component.transform(value).map(ReplyBody::from)
        }
        RequestBody::Analyze {
            original,
            transformed,
        } => {
            let data = TransformResult {
                original,
                transformed,
            };
            log.chatter(format_args!("Analyzing data: {data:?}"));
            component
                .analyze(&data)
                .map(|analysis| ReplyBody::Analyzed { analysis })
        }
        other => return common::not_handled_here(SERVICE, &other),
    };
    result.unwrap_or_else(|error| ReplyBody::from(&error))
}
