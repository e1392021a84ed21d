//! Component2: formats a value and describes the result.
//!
//! It no longer defines its own data type or free-standing methods: it implements the
//! [`Transformer`] contract from the `traits` crate, and returns the contract's
//! [`TransformResult`].

use traits::{TransformResult, Transformer};

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
/// Not part of any trait: only the calls the app relies on belong in the contract.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        println!("        [Component2 Lib] Initialized");
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
    fn transform(&self, value: i32) -> TransformResult {
        println!("        [Component2 Lib] Transforming value: {}", value);
        TransformResult {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }

    fn analyze(&self, data: &TransformResult) -> String {
        println!("        [Component2 Lib] Analyzing data: {:?}", data);
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}
