//! `service2`: a worker that takes requests from the `transform` queue and formats their value.
//!
//! Each request is `{"value": 84}` with `reply_to` and `correlation_id` properties; the worker
//! publishes `{"original":84,"transformed":"Value-0084"}` to the `reply_to` queue and only then
//! acknowledges the request. The loop itself is shared with `service1`, in `common::worker`.
//!
//! Run one (or several) with `cargo run -p service2`; RabbitMQ must be up.

use common::ValueRequest;
use common::queues::WorkQueue;
use common::worker::{self, Handled, WorkerSpec};
use component2::Component2;
use std::process::ExitCode;

fn main() -> ExitCode {
    worker::main(WorkerSpec {
        name: "service2",
        version: component2::get_version(),
        queue: WorkQueue::Transform,
        handle,
        simulates_work: false,
    })
}

fn handle(body: &[u8]) -> Handled {
    match ValueRequest::parse(body) {
        Ok(request) => Handled::Reply(common::Reply::body_from::<std::convert::Infallible>(Ok(
            Component2::new().transform(request.value),
        ))),
        Err(reason) => Handled::Malformed(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_the_formatted_value() {
        assert_eq!(
            handle(br#"{"value": 84}"#),
            Handled::Reply(br#"{"original":84,"transformed":"Value-0084"}"#.to_vec())
        );
    }

    #[test]
    fn a_body_that_is_not_a_request_is_malformed() {
        assert!(matches!(
            handle(br#"{"value": "84"}"#),
            Handled::Malformed(_)
        ));
    }
}
