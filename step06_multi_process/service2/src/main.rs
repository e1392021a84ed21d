//! service2: component2 in a process of its own, the same way as service1.
//!
//! Try it by hand: `cargo run -q -p service2`, then type `{"type":"transform","value":84}`.

use std::process::ExitCode;

use common::{Reply, Request};
use component2::Component2;

fn main() -> ExitCode {
    let pid = std::process::id();
    eprintln!("        [service2 pid {pid}] ready");
    let component = Component2::new();
    let served = common::serve(|request| match request {
        Request::Hello => Reply::Hello {
            service: "service2".into(),
            version: component2::get_version().into(),
        },
        Request::Transform { value } => Reply::Transformed(component.transform(value)),
        Request::Process { .. } => Reply::Error {
            error: "service2 does not process".into(),
        },
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("        [service2 pid {pid}] cannot serve: {error}");
            ExitCode::FAILURE
        }
    }
}
