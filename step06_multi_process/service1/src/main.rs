//! service1: component1 in a process of its own. It reads requests on stdin and answers on
//! stdout, one JSON object per line. Try it: `cargo run -q -p service1`, then type
//! `{"type":"process","value":42}`; Ctrl-D (Ctrl-Z, Enter on Windows) closes its stdin.

use common::{Reply, Request};
use component1::Component1;

fn main() -> std::io::Result<()> {
    eprintln!("        [service1 pid {}] ready", std::process::id());
    let component = Component1::new();
    common::serve(|request| match request {
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
    })
}
