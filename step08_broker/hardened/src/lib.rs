//! Step 08 hardened: what a production system adds to the lesson, and a first read does not need.
//!
//! It wraps the lesson's own pieces: the app's `Processor` and `Transformer` traits
//! and the workers' `common::worker::answer`. DESIGN.md is its text.
//!
//! # Layout
//!
//! - [`fast_rpc`]: `SharedRpcClient`, the lesson's calls on one channel and one reply consumer.
//! - [`worker`]: the workers' loop, hardened: reconnects after a lost connection, dead letters
//!   for messages no worker can answer, a clean stop on Ctrl-C, SIGTERM or a closed stdin.
//! - [`shutdown`]: those three ways to be asked to stop, as one future.
//! - [`local_workers`]: `--workers local` with `--service1-workers N`; stopped through stdin.
//! - [`cli`]: the app's flags, `--repeat/--warmup/--concurrency` among them (`bench/measure`).
//! - `src/main.rs`: the hardened app; `src/bin/`: the hardened workers.

pub mod cli;
pub mod fast_rpc;
pub mod local_workers;
pub mod shutdown;
pub mod worker;
