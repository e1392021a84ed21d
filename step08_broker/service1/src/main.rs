//! `service1`: a worker that doubles the values of the `process` queue (component1; an overflow
//! goes back as an error reply). Run one, or several, with `cargo run --bin service1`.

use common::{PROCESS_QUEUE, broker::run_worker, queue_name};
use component1::Component1;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let double = |value| Component1::new().process(value);
    if let Err(error) = run_worker("service1", &queue_name(PROCESS_QUEUE), double).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
