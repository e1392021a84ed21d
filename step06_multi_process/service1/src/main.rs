//! service1: component1 in a program of its own, which the app starts as a child process. `serve`
//! answers each request line with the reply this closure makes. Alone: `cargo run -q -p service1`.

use common::{Reply, Request};
use component1::Component1;

fn main() -> std::io::Result<()> {
    eprintln!("        [service1 pid {}] ready", std::process::id());
    let component = Component1::new();
    common::serve(|request| match request {
        // `process` fails with `Overflow`, component1's error, if 2 × value does not fit an i32.
        Request::Process { value } => match component.process(value) {
            Ok(result) => Reply::Processed(result),
            Err(overflow) => Reply::Error {
                error: overflow.to_string(),
            },
        },
        // `{ .. }`: any fields. The app asks only service2 to transform.
        Request::Transform { .. } => Reply::Error {
            error: "service1 does not transform".into(),
        },
    })
}
