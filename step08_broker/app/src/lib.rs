//! Step 08's app as a library, for its tests and `hardened/`: [`pipeline`], [`rpc`], workers.

pub mod local_workers;
pub mod pipeline;
pub mod rpc;
