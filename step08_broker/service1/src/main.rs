//! `service1`: a worker that takes requests from the `process` queue and doubles their value.
//!
//! Each request is `{"value":42}` with `reply_to` and `correlation_id` properties; the worker
//! publishes `{"value":84,"processed":true}` (or `{"error":"overflow: ..."}`) to the `reply_to`
//! queue and only then acknowledges the request. The loop itself (reply-then-ack, dead letters,
//! reconnecting, clean shutdown) is shared with `service2`, in `common::worker`.
//!
//! Run one (or several, in several terminals) with `cargo run -p service1`; RabbitMQ must be up.

use common::ParseOrExit;
use common::queues::WorkQueue;
use common::reconnect::WorkerArgs;
use common::worker::Worker;
use common::{ProcessResult, Reply, ValueRequest};
use component1::Component1;
use std::process::ExitCode;
use std::time::Duration;

/// A worker of the `process` queue: doubles each value (component1).
#[derive(clap::Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    worker: WorkerArgs,

    /// Simulated work per message, in milliseconds (shows how workers share a queue)
    #[arg(long, env = "WORK_MS", value_name = "MS", default_value_t = 0)]
    work_ms: u64,
}

fn compute(request: ValueRequest) -> Reply<ProcessResult> {
    match Component1::new().process(request.value) {
        Ok(result) => Reply::Ok(result),
        Err(overflow) => Reply::Err {
            error: overflow.to_string(),
        },
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    let worker = Worker {
        name: "service1",
        version: component1::get_version(),
        queue: WorkQueue::Process,
        compute,
        work_time: Duration::from_millis(cli.work_ms),
    };
    worker.main(cli.worker).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_the_doubled_value() {
        let reply = compute(ValueRequest { value: 42 });
        assert_eq!(
            reply,
            Reply::Ok(ProcessResult {
                value: 84,
                processed: true
            })
        );
    }

    #[test]
    fn an_overflowing_value_gets_an_overflow_reply() {
        let Reply::Err { error } = compute(ValueRequest { value: i32::MAX }) else {
            panic!("an overflow is an error reply");
        };
        assert!(error.starts_with("overflow: doubling "), "{error}");
    }
}
