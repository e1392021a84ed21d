//! Component2: formats a value as `Value-0084`. The business logic of service2, and nothing else.
//!
//! Unlike step 04, it implements no trait: the app reaches it only through service2, and it is
//! the app's side of that boundary that implements the traits. `analyze` is the app's now (its
//! `pipeline.rs`): it only formats a result the app already holds, and a round trip to a service
//! to format a string would cost far more than the formatting. Only the transport around this
//! file changes from step to step. Test it with `cargo test -p component2`.

use common::TransformResult;

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[derive(Debug, Default)]
pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        Self
    }

    /// Writes `value` as `Value-` and at least four digits: `84` gives `Value-0084`. Every `i32`
    /// has a text form, so this one cannot fail.
    pub fn transform(&self, value: i32) -> TransformResult {
        TransformResult {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }
}
