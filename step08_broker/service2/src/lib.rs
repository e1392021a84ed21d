//! `service2`: component2 as the worker on the `transform` queue; `cargo run --bin service2` runs it.

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
