//! Step 08's app as a library, for `main.rs` and `hardened/`: [`pipeline`] and [`rpc`].

// `async fn` in a public trait: rustc warns that a caller cannot then require the future to move
// to another thread (`Send`). None of ours needs to; step 07's DESIGN.md says more.
#![allow(async_fn_in_trait)]

pub mod pipeline;
pub mod rpc;
