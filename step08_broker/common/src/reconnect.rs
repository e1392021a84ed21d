//! A worker whose connection drops connects again, declares its queues again, and goes on.
//!
//! A broker restart, a network blip, or an operator closing the connection all look the same to a
//! worker: its consumer ends. Requests are persistent messages in durable queues, so they wait in
//! the broker meanwhile; the worker only has to come back. This loop does that, with the same
//! bounded retry as the first connection (after which the worker exits 1 with the reason), and
//! stops cleanly on Ctrl-C, SIGTERM, or its parent closing its stdin. Why not lapin's own
//! automatic recovery: see "Going further" in the step README.

use crate::connect;
use crate::shutdown;
use crate::worker::{Stopped, Worker, WorkerArgs};
use anyhow::bail;
use serde::Serialize;
use std::pin::pin;
use std::time::Duration;
use tracing::{info, warn};

/// Connects, serves, and on a lost connection does it again, until asked to stop.
pub async fn run<T: Serialize>(
    worker: &Worker<T>,
    args: &WorkerArgs,
    id: &str,
) -> anyhow::Result<()> {
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
        let served = worker.serve(args, &connection, id, stop.as_mut()).await;
        // Closing must not hang the exit if the broker is already gone. On a lost consumer the
        // connection may still be open (a deleted queue): close it so reconnecting leaks nothing.
        let close = async {
            if let Ok(Stopped::Requested(_, channel)) = &served {
                let _ = channel.close(200, "stopping".into()).await;
            }
            let _ = connection.close(200, "stopping".into()).await;
        };
        let connected = connection.status().connected();
        let _ = tokio::time::timeout(Duration::from_secs(5), close).await;
        match served {
            Ok(Stopped::Requested(reason, _)) => {
                info!("{reason}: finished the current message, closed");
                return Ok(());
            }
            Ok(Stopped::Lost(cause)) => {
                warn!("lost RabbitMQ ({cause}); reconnecting and declaring \"{queue}\" again");
            }
            // On a live connection (say, a queue declared elsewhere with other arguments) the
            // same error would come back on every reconnect: stop and say why.
            Err(error) if connected => bail!("cannot consume queue \"{queue}\": {error}"),
            Err(error) => warn!("lost RabbitMQ while setting up ({error}); reconnecting"),
        }
    }
}
