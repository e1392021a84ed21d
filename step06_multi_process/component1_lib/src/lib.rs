//! Component1: doubles a value and checks the result.
//!
//! The business logic of steps 03-04, now behind a fallible contract: doubling a value that does
//! not fit in an `i32` is an [`ComponentError::Overflow`] instead of a panic. The crate knows
//! nothing about processes or JSON; `service1` wraps it in a process.
//!
//! It no longer prints anything. In steps 02-04 the components chatted on stdout; now the crate
//! runs inside `service1`, whose stdout *is* the wire to the app, and one stray `println!` there
//! would corrupt the protocol. Logging is the service's job, on stderr.

use traits::{ComponentError, ProcessResult, Processor};

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
/// Not part of any trait: only the calls the app relies on belong in the contract.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

pub struct Component1;

impl Component1 {
    pub fn new() -> Self {
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
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError> {
        // `value * 2` panics on overflow in a debug build and wraps silently in a release build;
        // `checked_mul` makes the failure a value that can travel back to the caller.
        let doubled = value
            .checked_mul(2)
            .ok_or(ComponentError::Overflow { value })?;
        Ok(ProcessResult {
            value: doubled,
            processed: true,
        })
    }

    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError> {
        Ok(data.processed && data.value >= 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_process() {
        let comp1 = Component1::new();
        let data = comp1.process(42).unwrap();
        assert_eq!(
            data,
            ProcessResult {
                value: 84,
                processed: true
            }
        );
        assert!(comp1.validate(&data).unwrap());
    }

    #[test]
    fn negative_results_are_invalid() {
        let comp1 = Component1::new();
        let data = comp1.process(-5).unwrap();
        assert_eq!(data.value, -10);
        assert!(!comp1.validate(&data).unwrap());
    }

    #[test]
    fn doubling_past_i32_max_is_an_overflow_error() {
        let comp1 = Component1::new();
        assert_eq!(
            comp1.process(i32::MAX),
            Err(ComponentError::Overflow { value: i32::MAX })
        );
        assert_eq!(
            comp1.process(i32::MIN / 2 - 1),
            Err(ComponentError::Overflow {
                value: i32::MIN / 2 - 1
            })
        );
        assert_eq!(comp1.process(i32::MAX / 2).unwrap().value, i32::MAX - 1);
    }
}
