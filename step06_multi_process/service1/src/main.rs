//! service1: component1 in a process of its own.
//!
//! It reads requests from stdin and writes replies to stdout, one JSON object per line (the types
//! are in `common/src/lib.rs`), and logs on stderr. Try it: `cargo run -q -p service1`, then type
//! `{"id":0,"type":"hello","protocol":1}`; Ctrl-D (Ctrl-Z, Enter on Windows) ends it.

use std::process::ExitCode;

use common::serve::log;
use common::{ErrorCode, ReplyBody, RequestBody, ServiceInfo};
use component1::Component1;

fn main() -> ExitCode {
    let info = ServiceInfo {
        service: "service1",
        component: "component1",
        version: component1::get_version(),
    };
    let component = Component1::new();
    // The loop (read a line, answer a line, until stdin closes) is the same in both services. It
    // answers `hello` itself and calls this closure with every other request, and `quiet`, set by
    // the `--quiet` option the app passes under `--repeat` (`format_args!` is `format!` without
    // building a `String`). `ReplyBody::error` (common/src/wire.rs) builds an error reply.
    common::run_service(&info, |request, quiet| match request {
        RequestBody::Process { value } => {
            if !quiet {
                log(&info, format_args!("Processing value: {value}"));
            }
            Some(match component.process(value) {
                Ok(result) => ReplyBody::Processed(result),
                Err(overflow) => ReplyBody::error(ErrorCode::Overflow, overflow.to_string()),
            })
        }
        // None: not ours (`transform`); the loop answers it with an error reply.
        _ => None,
    })
}
