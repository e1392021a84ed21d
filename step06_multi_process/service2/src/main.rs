//! service2: component2 in a process of its own.
//!
//! It reads requests from stdin and writes replies to stdout, one JSON object per line (the format
//! is in `common/src/lib.rs`), and logs on stderr. Try it by hand:
//!
//! ```text
//! cargo run -q -p service2
//! {"id":0,"type":"hello","protocol":1}
//! {"id":1,"type":"transform","value":84}
//! ```
//!
//! End the session with Ctrl-D (Ctrl-Z then Enter on Windows): EOF on stdin is the clean stop.

use std::process::ExitCode;

use common::serve::log;
use common::{ReplyBody, RequestBody, ServiceInfo};
use component2::Component2;

fn main() -> ExitCode {
    let info = ServiceInfo {
        service: "service2",
        component: "component2",
        version: component2::get_version(),
    };
    let component = Component2::new();
    common::run_service(&info, |request, quiet| match request {
        RequestBody::Transform { value } => {
            if !quiet {
                log(&info, format_args!("Transforming value: {value}"));
            }
            Some(ReplyBody::Transformed(component.transform(value)))
        }
        // None: not ours; the loop answers with an error reply.
        _ => None,
    })
}
