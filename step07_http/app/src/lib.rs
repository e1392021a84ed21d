//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest.

// `async fn` in a public trait works; the compiler still warns, about a limit that matters only
// to code this repository does not have (DESIGN.md, "Options rejected", says which).
#![allow(async_fn_in_trait)]

pub mod http;
pub mod pipeline;
