//! `service2`: the worker that formats the values of the `transform` queue (component2).
//! `cargo run --bin service2` runs it as its own program.

use common::{Reply, TRANSFORM_QUEUE, TransformResult, worker::run_worker};
use component2::Component2;

/// Serves the `transform` queue; returns only with an error.
pub async fn run() -> Result<(), String> {
    run_worker("service2", TRANSFORM_QUEUE, format_value).await
}

/// component2's formatting, as a reply: it cannot fail.
pub fn format_value(value: i32) -> Reply<TransformResult> {
    Reply::Ok(Component2::new().transform(value))
}
