//! The app of step 07: step 06's pipeline, with its two components reached over HTTP.
//!
//! # Layout
//!
//! - [`pipeline`]: the `Processor`/`Transformer` contract, now `async` and given a request id,
//!   its error type, and `run_pipeline`.
//! - [`http`]: `HttpProcessor` and `HttpTransformer`, that contract over HTTP (reqwest).
//! - [`services`]: where each service runs: the URL given, or a child process started here.
//!
//! `src/main.rs` ties them together. `hardened/` wraps the same types.

pub mod http;
pub mod pipeline;
pub mod services;
