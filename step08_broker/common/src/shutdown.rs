//! One future that resolves when this process is asked to stop.
//!
//! Three ways to be asked: Ctrl-C (SIGINT, or the console event on Windows), SIGTERM (what
//! `docker stop` and most process supervisors send; Unix only), and, for a worker that the app
//! started as its child, the app closing the worker's stdin. That last one is how the app stops
//! its workers the same way on every OS, and it also fires when the app dies without a chance to
//! clean up (even `kill -9`): the OS closes the pipe, so a child worker can never outlive its
//! parent.

use std::io::Read;
use tokio::sync::oneshot;

/// Why the process is stopping, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    CtrlC,
    Terminate,
    StdinClosed,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::CtrlC => "Ctrl-C",
            Self::Terminate => "SIGTERM",
            Self::StdinClosed => "stdin closed by the parent process",
        })
    }
}

/// Resolves on the first request to stop. With `watch_stdin`, end of file on stdin counts too.
///
/// Call it once, early: the signal handlers are installed when it is first polled, and a signal
/// that arrives before that still kills the process the default way.
pub async fn requested(watch_stdin: bool) -> StopReason {
    let stdin_closed = async {
        if watch_stdin {
            stdin_eof().await
        } else {
            std::future::pending().await
        }
    };
    tokio::select! {
        result = tokio::signal::ctrl_c() => match result {
            Ok(()) => StopReason::CtrlC,
            // No handler could be installed (very unusual): never resolve rather than stop now.
            Err(_) => std::future::pending().await,
        },
        reason = terminate() => reason,
        reason = stdin_closed => reason,
    }
}

#[cfg(unix)]
async fn terminate() -> StopReason {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut sigterm) => {
            sigterm.recv().await;
            StopReason::Terminate
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() -> StopReason {
    std::future::pending().await
}

/// Reading stdin blocks, and a blocking read inside the async runtime would keep the runtime
/// from shutting down; a plain thread that the process simply abandons at exit does not.
async fn stdin_eof() -> StopReason {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 64];
        let mut stdin = std::io::stdin();
        // Whatever the parent writes is ignored; only end of file (or a broken pipe) matters.
        while let Ok(n) = stdin.read(&mut buffer) {
            if n == 0 {
                break;
            }
        }
        let _ = tx.send(());
    });
    match rx.await {
        Ok(()) => StopReason::StdinClosed,
        Err(_) => std::future::pending().await,
    }
}
