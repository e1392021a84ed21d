//! Step 07 hardened: what a production system adds around the lesson, and a first read does not
//! need. Everything here wraps the lesson's own types; `DESIGN.md` is its text.
//!
//! # Layout
//!
//! - [`retry`]: `Retrying<T>`, a `Processor`/`Transformer` that tries an unavailable call again;
//!   [`deadline`]: `Deadline<T>`, one that gives up sooner than the lesson's 5 s.
//! - [`health`]: before the first pipeline, wait until each service answers `GET /health` as
//!   the service it should be.
//! - [`server`]: the layers both hardened services add to the lesson's router (request id, log
//!   line per request, JSON 405 and 503, `/health`), and serving until Ctrl-C or SIGTERM with the
//!   requests in flight finished.
//! - [`launch`]: the hardened services as child processes, built first when Cargo runs the app.
//! - [`logs`] and [`shutdown`]: `tracing` to stderr, and waiting for a stop signal.
//!
//! Binaries: `hardened` (the app, `src/main.rs`), `hardened-service1`, `hardened-service2`.

pub mod deadline;
pub mod health;
pub mod launch;
pub mod logs;
pub mod retry;
pub mod server;
pub mod shutdown;
