//! Component2: formats a value and describes the result.
//!
//! A library crate of its own now, at version 0.2.0 while component1 is at 0.1.0: each crate is
//! versioned on its own. Its test lives in `tests/`, outside the crate, so it can only use the
//! public API, like any other client would.

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[derive(Debug, PartialEq)]
pub struct Component2Data {
    pub original: i32,
    pub transformed: String,
}

pub struct Component2;

impl Component2 {
    pub fn new() -> Self {
        println!("        [Component2 Lib] Initialized");
        Self
    }

    pub fn transform(&self, value: i32) -> Component2Data {
        println!("        [Component2 Lib] Transforming value: {}", value);
        Component2Data {
            original: value,
            transformed: format!("Value-{:04}", value),
        }
    }

    pub fn analyze(&self, data: &Component2Data) -> String {
        println!("        [Component2 Lib] Analyzing data: {:?}", data);
        format!("Analysis: {} maps to {}", data.original, data.transformed)
    }
}

// A public type with a `new()` and no arguments is expected to implement `Default` too
// (clippy's `new_without_default`): callers and generic code may reach for either.
impl Default for Component2 {
    fn default() -> Self {
        Self::new()
    }
}
