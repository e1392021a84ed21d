//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest.

// Turns off a warning about `async fn` in a public trait: it concerns code that moves the futures
// of these traits' calls to another thread, which nothing here does.
#![allow(async_fn_in_trait)]

pub mod http;
pub mod pipeline;
