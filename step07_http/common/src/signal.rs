//! Waiting for the request to stop: Ctrl-C on every OS, and SIGTERM on Unix (what `kill`,
//! `docker stop` and `docker compose down` send).

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

/// Resolves when the process is asked to stop. If a handler cannot be installed, that signal is
/// reported on stderr and never resolves: stopping at once would be worse than not stopping
/// gracefully.
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
