//! The app of step 06: step 04's pipeline, with each component in a child process of its own.
//!
//! # Layout
//!
//! - [`pipeline`]: the contract (`Processor`, `Transformer`, `CallError`) and `run_pipeline`, the
//!   same file as step 05's.
//! - [`child`]: a service as a child process, one JSON line out and one back, and
//!   `ChildProcessor`/`ChildTransformer`, the contract answered that way.

pub mod child;
pub mod pipeline;
