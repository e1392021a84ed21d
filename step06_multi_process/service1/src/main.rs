//! service1: component1 in a process of its own.
//!
//! It reads requests from stdin and writes replies to stdout, one JSON object per line (the types
//! are in `common/src/lib.rs`). Try it by hand: `cargo run -q -p service1`, then type
//! `{"type":"process","value":42}`. Ctrl-D (Ctrl-Z, then Enter, on Windows) closes its stdin, and
//! it exits.

use std::process::ExitCode;

use common::{Reply, Request};
use component1::Component1;

fn main() -> ExitCode {
    let pid = std::process::id();
    eprintln!("        [service1 pid {pid}] ready");
    let component = Component1::new();
    let served = common::serve(|request| match request {
        Request::Hello => Reply::Hello {
            service: "service1".into(),
            version: component1::get_version().into(),
        },
        Request::Process { value } => match component.process(value) {
            Ok(result) => Reply::Processed(result),
            Err(overflow) => Reply::Error {
                error: overflow.to_string(),
            },
        },
        Request::Transform { .. } => Reply::Error {
            error: "service1 does not transform".into(),
        },
    });
    match served {
        Ok(()) => ExitCode::SUCCESS, // stdin closed: the app is done with us
        Err(error) => {
            eprintln!("        [service1 pid {pid}] cannot serve: {error}");
            ExitCode::FAILURE
        }
    }
}
