//! [`pipeline`]: the contract, now `async`; [`http`]: the contract over HTTP (reqwest).
//! `src/main.rs` ties them together, and serves the two services.

pub mod http;
pub mod pipeline;
