//! service2: component2 in a process of its own, the same way as service1. Try it by hand:
//! `cargo run -q -p service2`, then type `{"type":"transform","value":84}`.

use common::{Reply, Request};
use component2::Component2;

fn main() -> std::io::Result<()> {
    let ready = format!("        [service2 pid {}] ready\n", std::process::id());
    eprint!("{ready}"); // one write: a service killed as it starts leaves no half line
    let component = Component2::new();
    common::serve(|request| match request {
        Request::Transform { value } => Reply::Transformed(component.transform(value)),
        Request::Process { .. } => Reply::Error {
            error: "service2 does not process".into(),
        },
    })
}
