//! Step 08's app as a library, for `main.rs` and `hardened/`: [`pipeline`] and [`rpc`].

// Turns off a warning about `async fn` in a public trait: it concerns code that moves the futures
// of these traits' calls to another thread, which nothing here does.
#![allow(async_fn_in_trait)]

pub mod pipeline;
pub mod rpc;
