//! `service1`: a worker that takes requests from the `process` queue and doubles their value.
//!
//! Each request is `{"value": 42}` with `reply_to` and `correlation_id` properties; the worker
//! publishes `{"value":84,"processed":true}` (or `{"error": "overflow: ..."}`) to the `reply_to`
//! queue and only then acknowledges the request. The loop itself (reconnecting, dead-lettering,
//! clean shutdown) is shared with `service2`, in `common::worker`.
//!
//! Run one (or several, in several terminals) with `cargo run -p service1`; RabbitMQ must be up.

use common::ValueRequest;
use common::queues::WorkQueue;
use common::worker::{self, Handled, WorkerSpec};
use component1::Component1;
use std::process::ExitCode;

fn main() -> ExitCode {
    worker::main(WorkerSpec {
        name: "service1",
        version: component1::get_version(),
        queue: WorkQueue::Process,
        handle,
        simulates_work: true,
    })
}

fn handle(body: &[u8]) -> Handled {
    match ValueRequest::parse(body) {
        Ok(request) => Handled::Reply(common::Reply::body_from(
            Component1::new().process(request.value),
        )),
        Err(reason) => Handled::Malformed(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_the_doubled_value() {
        assert_eq!(
            handle(br#"{"value": 42}"#),
            Handled::Reply(br#"{"value":84,"processed":true}"#.to_vec())
        );
    }

    #[test]
    fn an_overflowing_value_gets_an_error_reply() {
        let Handled::Reply(body) = handle(br#"{"value": 2147483647}"#) else {
            panic!("an overflow is an answer, not a malformed message");
        };
        let reply: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(reply["error"].as_str().unwrap().starts_with("overflow"));
    }

    #[test]
    fn a_body_that_is_not_a_request_is_malformed() {
        assert!(matches!(handle(b"hello"), Handled::Malformed(_)));
    }
}
