//! Ctrl-C or SIGTERM lets the requests in flight finish. A service hands [`requested`] to
//! `axum::serve(..).with_graceful_shutdown`: when it resolves, the server stops accepting
//! connections, finishes what it has, and returns. The app waits on [`stop_requested`] too, to stop
//! the services it started. SIGTERM is what `kill`, `docker stop` and `docker compose down` send;
//! Windows has no such signal.

/// Resolves when the process is asked to stop, with the name of the signal that asked. A handler
/// that cannot be installed leaves its signal out: stopping at once would be worse than not
/// stopping gracefully.
pub async fn stop_requested() -> &'static str {
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => stream.recv().await,
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<Option<()>>();

    tokio::select! {
        Ok(()) = tokio::signal::ctrl_c() => "Ctrl-C",
        _ = terminate => "SIGTERM",
    }
}

/// For `with_graceful_shutdown`: resolves on Ctrl-C or SIGTERM, and logs which one came.
#[cfg(feature = "server")]
pub async fn requested() {
    let signal = stop_requested().await;
    tracing::info!("{signal} received, finishing the requests in flight");
}
