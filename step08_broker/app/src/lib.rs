//! Step 08's app as a library, for its tests and `hardened/`: [`pipeline`] and [`rpc`].

pub mod pipeline;
pub mod rpc;
