//! Step 08's app as a library, for `main.rs` and `hardened/`: [`pipeline`] and [`rpc`].

// `async fn` in a public trait works; the compiler still warns, about a limit that matters only
// to code this repository does not have (DESIGN.md, "How the lesson's code is cut", says which).
#![allow(async_fn_in_trait)]

pub mod pipeline;
pub mod rpc;
