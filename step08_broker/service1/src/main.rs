//! `service1`: a worker that takes requests from the `process` queue and doubles their value, with
//! the loop it shares with `service2` (`common::broker::run_worker`). Run one, or several in
//! several terminals, with `cargo run --bin service1`; RabbitMQ must be up.

use common::{PROCESS_QUEUE, ProcessResult, queue_name};
use component1::Component1;
use std::process::ExitCode;

/// component1 as the worker calls it: an overflow becomes the text of an error reply.
fn double(value: i32) -> Result<ProcessResult, String> {
    Component1::new().process(value).map_err(|overflow| overflow.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    let queue = queue_name(PROCESS_QUEUE);
    if let Err(error) = common::broker::run_worker("service1", &queue, double).await {
        eprintln!("error: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overflowing_value_is_an_error_with_the_reason() {
        assert_eq!(double(42).map(|result| result.value), Ok(84));
        let error = double(i32::MAX).unwrap_err();
        assert!(error.starts_with("overflow: doubling "), "{error}");
    }
}
