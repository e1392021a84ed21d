//! `service2`: a worker that takes requests from the `transform` queue and formats their value.
//!
//! Each request is `{"value":84}` with `reply_to` and `correlation_id` properties; the worker
//! publishes `{"original":84,"transformed":"Value-0084"}` to the `reply_to` queue and only then
//! acknowledges the request. The loop itself is shared with `service1`, in `common::worker`.
//!
//! Run one (or several) with `cargo run -p service2`; RabbitMQ must be up.

use common::ParseOrExit;
use common::queues::WorkQueue;
use common::reconnect::WorkerArgs;
use common::worker::Worker;
use common::{Reply, TransformResult, ValueRequest};
use component2::Component2;
use std::process::ExitCode;
use std::time::Duration;

/// A worker of the `transform` queue: formats each value (component2).
#[derive(clap::Parser, Debug)]
#[command(version)]
struct Cli {
    #[command(flatten)]
    worker: WorkerArgs,
}

fn compute(request: ValueRequest) -> Reply<TransformResult> {
    Reply::Ok(Component2::new().transform(request.value))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_or_exit();
    let worker = Worker {
        name: "service2",
        version: component2::get_version(),
        queue: WorkQueue::Transform,
        compute,
        // WORK_MS slows service1 only: the scaling demo adds workers to that one stage.
        work_time: Duration::ZERO,
    };
    worker.main(cli.worker).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_the_formatted_value() {
        let reply = compute(ValueRequest { value: 84 });
        assert_eq!(
            reply,
            Reply::Ok(TransformResult {
                original: 84,
                transformed: "Value-0084".into()
            })
        );
    }
}
