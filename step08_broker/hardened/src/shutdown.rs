//! One future that resolves when this process is asked to stop.
//!
//! Three ways to be asked: Ctrl-C (SIGINT, or the console event on Windows), SIGTERM (what
//! `docker stop` and most process supervisors send; Unix only), and, for a worker that the app
//! started as its child, the app closing the worker's stdin. That last one is how the app stops
//! its workers the same way on every OS, and it also fires when the app dies without a chance to
//! clean up (even `kill -9`): the OS closes the pipe, so a child worker never outlives its parent.

use std::future::pending;
use std::io::Read;

/// Resolves on the first request to stop, with its name for the log line. With `watch_stdin`,
/// end of file on stdin counts too.
///
/// Call it once, early: the signal handlers are installed when it is first polled.
pub async fn requested(watch_stdin: bool) -> &'static str {
    let stdin_closed = async {
        if !watch_stdin {
            pending::<()>().await;
        }
        // A blocking read inside the runtime would keep it from shutting down; a plain thread,
        // abandoned at exit, does not.
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            // Whatever the parent writes is ignored; only end of file (or an error) matters.
            let mut buffer = [0u8; 64];
            while matches!(std::io::stdin().read(&mut buffer), Ok(n) if n > 0) {}
            let _ = tx.send(());
        });
        let _ = rx.await;
    };
    tokio::select! {
        // No handler could be installed (very unusual): never resolve rather than stop now.
        Ok(()) = tokio::signal::ctrl_c() => "Ctrl-C",
        () = terminate() => "SIGTERM",
        () = stdin_closed => "stdin closed by the parent process",
    }
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut sigterm) => drop(sigterm.recv().await),
        Err(_) => pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    pending().await
}
