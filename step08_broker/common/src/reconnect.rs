//! A worker whose connection drops connects again, declares its queues again, and goes on.
//!
//! A broker restart, a network blip, or an operator closing the connection all look the same to a
//! worker: its consumer ends. Requests are persistent messages in durable queues, so they wait in
//! the broker meanwhile; the worker only has to come back. This loop does that, with the same
//! bounded retry as the first connection (after which the worker exits 1 with the reason), and
//! stops cleanly on Ctrl-C, SIGTERM, or its parent closing its stdin. Why not lapin's own
//! automatic recovery: see "Going further" in the step README.

use crate::connect::{self, Unreachable};
use crate::shutdown;
use crate::worker::{Stopped, Worker, WorkerArgs};
use lapin::Connection;
use serde::Serialize;
use std::pin::pin;
use std::time::Duration;
use tracing::{info, warn};

/// Closing must not hang the exit if the broker is already gone.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a worker stopped for good.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Unreachable(#[from] Unreachable),
    /// An error on a live connection (say, a queue declared elsewhere with other arguments) would
    /// come back on every reconnect, so it ends the worker.
    #[error("cannot consume queue \"{queue}\": {source}")]
    Setup {
        queue: String,
        #[source]
        source: lapin::Error,
    },
}

/// Connects, serves, and on a lost connection does it again, until asked to stop.
pub async fn run<T: Serialize>(
    worker: &Worker<T>,
    args: &WorkerArgs,
    id: &str,
) -> Result<(), WorkerError> {
    let mut stop = pin!(shutdown::requested(args.stop_when_stdin_closes));
    let queue = args.broker.queues.work_queue(worker.queue);
    loop {
        let connection = tokio::select! {
            connection = connect::connect(&args.broker, id) => connection?,
            reason = stop.as_mut() => {
                info!("{reason} before RabbitMQ was reached; exiting");
                return Ok(());
            }
        };
        match worker.serve(args, &connection, id, stop.as_mut()).await {
            Ok(Stopped::Requested(reason, channel)) => {
                info!("{reason}: finished the current message, closing");
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, channel.close(200, "stopping".into()))
                    .await;
                close(&connection).await;
                return Ok(());
            }
            Ok(Stopped::Lost(cause)) => {
                // The connection may still be open (the broker only cancelled our consumer, as
                // when the queue was deleted): close it so reconnecting does not leak it.
                close(&connection).await;
                warn!("lost RabbitMQ ({cause}); reconnecting and declaring \"{queue}\" again");
            }
            Err(source) if connection.status().connected() => {
                let queue = queue.to_string();
                return Err(WorkerError::Setup { queue, source });
            }
            Err(error) => warn!("lost RabbitMQ while setting up ({error}); reconnecting"),
        }
    }
}

async fn close(connection: &Connection) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, connection.close(200, "stopping".into())).await;
}
