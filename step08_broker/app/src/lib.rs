//! Step 08's app as a library, for `main.rs` and `hardened/`: [`pipeline`] and [`rpc`].

// `async fn` in a public trait works. This turns off a warning that concerns only code that
// runs these calls on other threads, which nothing here does.
#![allow(async_fn_in_trait)]

pub mod pipeline;
pub mod rpc;
