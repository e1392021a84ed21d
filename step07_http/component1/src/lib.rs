//! Component1: doubles a value. The business logic of service1, and nothing else.
//!
//! Unlike step 04, it implements no trait: the app reaches it only through service1, and it is
//! the app's side of that boundary that implements the traits. The doubling is checked:
//! `i32::MAX * 2` is an error value, not a panic that would take the service (and every request
//! in flight) down. `validate` is the app's now (its `pipeline.rs`). It returns `common`'s
//! `ProcessResult`, the type the wire carries, so service1 sends it as is. Only the transport
//! around this file changes from step to step. Test it with `cargo test -p component1`.

use std::fmt;

use common::ProcessResult;

/// The crate's version, from its own `Cargo.toml` (Cargo sets `CARGO_PKG_VERSION` at build time).
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Doubling `value` does not fit in an `i32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    pub value: i32,
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "overflow: doubling {} does not fit in an i32 (inputs from {} to {} work)",
            self.value,
            i32::MIN / 2,
            i32::MAX / 2
        )
    }
}

impl std::error::Error for Overflow {}

#[derive(Debug, Default)]
pub struct Component1;

impl Component1 {
    pub fn new() -> Self {
        Self
    }

    /// Doubles `value`: `42` gives `ProcessResult { value: 84, processed: true }`.
    pub fn process(&self, value: i32) -> Result<ProcessResult, Overflow> {
        let doubled = value.checked_mul(2).ok_or(Overflow { value })?;
        Ok(ProcessResult {
            value: doubled,
            processed: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_process() {
        let data = Component1::new().process(42).unwrap();
        assert_eq!(
            data,
            ProcessResult {
                value: 84,
                processed: true
            }
        );
    }

    #[test]
    fn negative_numbers_are_doubled_too() {
        assert_eq!(Component1::new().process(-21).unwrap().value, -42);
    }

    #[test]
    fn doubling_past_i32_max_is_an_overflow_error() {
        let error = Component1::new().process(i32::MAX).unwrap_err();
        assert_eq!(error, Overflow { value: i32::MAX });
        assert!(error.to_string().starts_with("overflow"), "{error}");
    }

    #[test]
    fn the_largest_values_that_fit_still_work() {
        let component = Component1::new();
        assert_eq!(component.process(i32::MAX / 2).unwrap().value, i32::MAX - 1);
        assert_eq!(component.process(i32::MIN / 2).unwrap().value, i32::MIN);
        assert!(component.process(i32::MIN / 2 - 1).is_err());
    }
}
