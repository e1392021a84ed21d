//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest.

// `async fn` in a public trait works. This turns off a warning that concerns only code that
// runs these calls on other threads, which nothing here does.
#![allow(async_fn_in_trait)]

pub mod http;
pub mod pipeline;
