//! `service2`: a worker that takes requests from the `transform` queue and formats their value.
//!
//! Each request is `{"value":84}` with `reply_to` and `correlation_id` properties; the worker
//! publishes `{"original":84,"transformed":"Value-0084"}` to `reply_to` and only then
//! acknowledges the request. The loop is shared with `service1`, in `common::broker`.
//!
//! Run one (or several) with `cargo run --bin service2`; RabbitMQ must be up.

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
