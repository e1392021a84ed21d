//! `service2`: a worker that takes requests from the `transform` queue and formats their value
//! (component2, which cannot fail). Run one, or several, with `cargo run --bin service2`.

use common::{TRANSFORM_QUEUE, broker::run_worker, queue_name};
use component2::Component2;
use std::{convert::Infallible, process::ExitCode};

#[tokio::main]
async fn main() -> ExitCode {
    let format = |value| Ok::<_, Infallible>(Component2::new().transform(value));
    if let Err(error) = run_worker("service2", &queue_name(TRANSFORM_QUEUE), format).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
