//! Component2: formats a value as `Value-0084`. The business logic of `service2`, and nothing else.
//!
//! Compared with step 04 the crate no longer prints: it runs inside a worker process, which logs.
//! Formatting an `i32` cannot fail, so `transform` still returns its result directly.
//!
//! Test it with `cargo test -p component2`.

use common::TransformResult;

/// The crate's version, from its own `Cargo.toml`.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[derive(Debug, Default)]
pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        Self
    }

    /// `84` gives `TransformResult { original: 84, transformed: "Value-0084" }`.
    pub fn transform(&self, value: i32) -> TransformResult {
        TransformResult {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }
}
