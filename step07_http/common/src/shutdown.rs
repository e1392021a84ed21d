//! Ctrl-C or SIGTERM lets the requests in flight finish. A service hands [`requested`] to
//! `axum::serve(..).with_graceful_shutdown`: when it resolves, the server stops accepting
//! connections, finishes what it has, and returns. The app waits on [`stop_requested`] too, to stop
//! the services it started. SIGTERM is what `kill`, `docker stop` and `docker compose down` send.

use std::fmt;

/// Which request to stop arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopSignal {
    CtrlC,
    Terminate,
}

impl fmt::Display for StopSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CtrlC => "Ctrl-C",
            Self::Terminate => "SIGTERM",
        })
    }
}

/// Resolves when the process is asked to stop. A handler that cannot be installed is reported,
/// and that signal never resolves: stopping at once would be worse than not stopping gracefully.
pub async fn stop_requested() -> StopSignal {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("cannot listen for Ctrl-C ({error}); stop the process another way");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                eprintln!("cannot listen for SIGTERM ({error})");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => StopSignal::CtrlC,
        () = terminate => StopSignal::Terminate,
    }
}

/// For `with_graceful_shutdown`: resolves on Ctrl-C or SIGTERM, and logs which one came.
#[cfg(feature = "server")]
pub async fn requested() {
    let signal = stop_requested().await;
    tracing::info!("{signal} received, finishing the requests in flight");
}
