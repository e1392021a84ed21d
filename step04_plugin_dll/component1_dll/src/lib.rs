//! Component1: doubles a value and checks the result.
//!
//! It no longer defines its own data type or free-standing methods: it implements the
//! [`Processor`] contract from the `traits` crate, and returns the contract's [`ProcessResult`].

use traits::{ProcessResult, Processor};

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
/// Not part of any trait: only the calls the app relies on belong in the contract.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub struct Component1;

impl Component1 {
    pub fn new() -> Self {
        println!("        [Component1 Lib] Initialized");
        Self
    }
}

// A public type with a `new()` and no arguments is expected to implement `Default` too
// (clippy's `new_without_default`): callers and generic code may reach for either.
impl Default for Component1 {
    fn default() -> Self {
        Self::new()
    }
}

impl Processor for Component1 {
    fn process(&self, value: i32) -> ProcessResult {
        println!("        [Component1 Lib] Processing value: {}", value);
        ProcessResult {
            value: value * 2,
            processed: true,
        }
    }

    fn validate(&self, data: &ProcessResult) -> bool {
        println!("        [Component1 Lib] Validating data: {:?}", data);
        data.processed && data.value >= 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_process() {
        let comp1 = Component1::new();
        let data = comp1.process(42);
        assert_eq!(
            data,
            ProcessResult {
                value: 84,
                processed: true
            }
        );
        assert!(comp1.validate(&data));
    }
}
