//! Logs go through `tracing`, to stderr, so stdout stays the program's output. `RUST_LOG` chooses
//! what is shown: `info` when it is unset (one line per request, per pipeline); `RUST_LOG=warn`
//! silences those lines, as the app does for services it starts to measure.
//!
//! The filter is tracing-subscriber's `Targets`, which reads those forms of `RUST_LOG`; its
//! `EnvFilter` also reads regular expressions, which would add a regex engine to the build.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Installs the logger for this process. Call it once, first thing in `main`.
pub fn init() {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .and_then(|text| text.parse().ok());
    let filter = from_env.unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let format = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false);
    tracing_subscriber::registry()
        .with(format)
        .with(filter)
        .init();
}
