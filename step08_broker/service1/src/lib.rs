//! `service1`: the worker that doubles the values of the `process` queue (component1; an
//! overflow goes back as an error reply). `cargo run --bin service1` runs it as its own program.

use common::{PROCESS_QUEUE, queue_name, worker::run_worker};
use component1::Component1;

/// Serves the `process` queue; returns only with an error.
pub async fn run() -> Result<(), String> {
    let double = |value| Component1::new().process(value);
    run_worker("service1", &queue_name(PROCESS_QUEUE), double).await
}
