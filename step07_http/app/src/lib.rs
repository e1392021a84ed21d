//! [`pipeline`]: the contract, now `async`; [`http`]: the contract over HTTP (reqwest);
//! [`services`]: where each service runs. `src/main.rs` ties them together.

pub mod http;
pub mod pipeline;
pub mod services;
