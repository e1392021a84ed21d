//! Step 08's app as a library, for `main.rs` and `hardened/`: [`pipeline`] and [`rpc`].

// `async fn` in a public trait makes rustc warn of a use this app does not have (futures moved
// between threads); this turns the warning off.
#![allow(async_fn_in_trait)]

pub mod pipeline;
pub mod rpc;
