//! The app of step 07: the pipeline of steps 03 to 05, with its two components reached over HTTP.
//!
//! # Layout
//!
//! - [`pipeline`]: the `Processor`/`Transformer` contract, now async and fallible, its error
//!   type, and `run_pipeline`. The lesson of the step is in its documentation.
//! - [`http`]: `HttpProcessor` and `HttpTransformer`, the HTTP implementations of that contract,
//!   and the client settings (timeouts, status checks).
//! - [`retry`]: a failure that may pass is tried again; reqwest's error in the contract's words.
//! - [`child`]: starting service1 and service2 as child processes when no URL is given.
//! - [`health`]: waiting until a service answers, as the service it should be.
//! - [`cli`]: the flags; [`repeat`]: `--repeat`, measured by the shared `measure` crate.
//!
//! `src/main.rs` ties them together.

pub mod child;
pub mod cli;
pub mod health;
pub mod http;
pub mod pipeline;
pub mod repeat;
pub mod retry;
