//! `service1`: component1 as the worker on the `process` queue; `cargo run --bin service1` runs it.

use common::{PROCESS_QUEUE, ProcessResult, Reply, worker::run_worker};
use component1::Component1;

/// Serves the `process` queue; returns only with an error.
pub async fn run() -> Result<(), String> {
    run_worker("service1", PROCESS_QUEUE, double).await
}

/// component1's doubling as a reply; its overflow error becomes an error reply.
pub fn double(value: i32) -> Reply<ProcessResult> {
    match Component1::new().process(value) {
        Ok(result) => Reply::Ok(result),
        Err(overflow) => Reply::Err {
            error: overflow.to_string(),
        },
    }
}
