//! Step 08's app as a library, so that its tests and `hardened/` use the same types.
//!
//! # Layout
//!
//! - [`pipeline`]: the contract and `run_pipeline`, step 07's file byte for byte.
//! - [`rpc`]: `RpcClient`, the contract's `Processor` and `Transformer` over RabbitMQ.
//! - [`local_workers`]: the two workers `cargo run` starts, so one command runs everything.
//! - `main.rs`: connect, start the workers, run the pipeline.

pub mod local_workers;
pub mod pipeline;
pub mod rpc;
