//! Ctrl-C or SIGTERM. SIGTERM is what `kill`, `docker stop` and a service manager send; Windows
//! has no such signal.

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

    // `select!` waits for both and keeps whichever finishes first.
    tokio::select! {
        Ok(()) = tokio::signal::ctrl_c() => "Ctrl-C",
        _ = terminate => "SIGTERM",
    }
}
