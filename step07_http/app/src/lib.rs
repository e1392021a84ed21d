//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest.

// `async fn` in a public trait makes rustc warn of a use this app does not have (futures moved
// between threads); this turns the warning off.
#![allow(async_fn_in_trait)]

pub mod http;
pub mod pipeline;
