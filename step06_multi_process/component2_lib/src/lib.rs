//! Component2: formats a value and describes the result.
//!
//! The business logic of steps 03-04 behind the now fallible [`Transformer`] contract. Formatting
//! cannot fail, so every call returns `Ok`; the `Result` is there because the *contract* can fail
//! once the component lives in another process (`service2`).
//!
//! It no longer prints anything: inside `service2`, stdout is the wire to the app, so logging is
//! the service's job, on stderr.

use traits::{ComponentError, TransformResult, Transformer};

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
/// Not part of any trait: only the calls the app relies on belong in the contract.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        Self
    }
}

// A public type with a `new()` and no arguments is expected to implement `Default` too
// (clippy's `new_without_default`): callers and generic code may reach for either.
impl Default for Component2 {
    fn default() -> Self {
        Self::new()
    }
}

impl Transformer for Component2 {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError> {
        Ok(TransformResult {
            original: value,
            transformed: format!("Value-{:04}", value),
        })
    }

    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError> {
        Ok(format!(
            "Analysis: {} maps to {}",
            data.original, data.transformed
        ))
    }
}
