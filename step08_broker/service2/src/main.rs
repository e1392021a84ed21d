//! `service2`: a worker that takes requests from the `transform` queue and formats their value, with
//! the loop it shares with `service1` (`common::broker::run_worker`). Run one, or several in
//! several terminals, with `cargo run --bin service2`; RabbitMQ must be up.

use common::{TRANSFORM_QUEUE, TransformResult, queue_name};
use component2::Component2;
use std::process::ExitCode;

/// component2 as the worker calls it. Formatting cannot fail.
fn format_value(value: i32) -> Result<TransformResult, String> {
    Ok(Component2::new().transform(value))
}

#[tokio::main]
async fn main() -> ExitCode {
    let queue = queue_name(TRANSFORM_QUEUE);
    if let Err(error) = common::broker::run_worker("service2", &queue, format_value).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
