//! `service2`: the worker that formats the values of the `transform` queue (component2).
//! `cargo run --bin service2` runs it as its own program.

use common::{TRANSFORM_QUEUE, queue_name, worker::run_worker};
use component2::Component2;
use std::convert::Infallible;

/// Serves the `transform` queue; returns only with an error.
pub async fn run() -> Result<(), String> {
    // `run_worker` wants a `Result`; component2 cannot fail: `Infallible` is an error type
    // with no values.
    let format = |value| Ok::<_, Infallible>(Component2::new().transform(value));
    run_worker("service2", &queue_name(TRANSFORM_QUEUE), format).await
}
