//! Logs go through `tracing`, to stderr, so stdout stays the program's output. `RUST_LOG` chooses
//! what is shown: `info` when it is unset (one line per request, per pipeline); `RUST_LOG=warn`
//! silences those lines, as the app does for services it starts to measure; `RUST_LOG=debug`
//! shows more, such as when each request begins.

use tracing_subscriber::EnvFilter;

/// Installs the logger for this process. Call it once, first thing in `main`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
