//! The app as a library, for its tests and `hardened/`: [`pipeline`], the traits and
//! `run_pipeline`, now `async`; [`http`], the traits implemented over HTTP with reqwest.

// `async fn` in a public trait: rustc warns that a caller cannot then require the future to move
// to another thread (`Send`). None of ours needs to; DESIGN.md, "Options rejected", says more.
#![allow(async_fn_in_trait)]

pub mod http;
pub mod pipeline;
