//! service1: component1 as a program of its own. Alone: `cargo run -q -p service1`.

use common::{Reply, Request};
use component1::Component1;

fn main() -> std::io::Result<()> {
    let ready = format!("        [service1 pid {}] ready\n", std::process::id());
    eprint!("{ready}"); // one write: a service killed as it starts leaves no half line
    let component = Component1::new();
    common::serve(|request| match request {
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
