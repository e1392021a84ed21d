//! Component1: doubles a value. The business logic of `service1`, and nothing else.
//!
//! Compared with step 04 two things changed. The crate no longer prints: it runs inside a worker
//! process whose stdout nobody reads, so the worker logs instead. And overflow is an error value
//! instead of a panic: `i32::MAX * 2` does not fit in an `i32`, and a worker that panicked on it
//! would die and leave the request to be redelivered, forever, to every worker in turn.
//!
//! Test it with `cargo test -p component1`.

use common::ProcessResult;
use std::fmt;

/// The crate's version, from its own `Cargo.toml`.
pub fn get_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// Doubling `value` does not fit in an `i32`.
#[derive(Debug, Clone, PartialEq)]
pub struct Overflow {
    pub value: i32,
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "overflow: {} * 2 does not fit in an i32 (largest accepted input: {})",
            self.value,
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
    fn process_doubles_the_value() {
        assert_eq!(
            Component1::new().process(42),
            Ok(ProcessResult {
                value: 84,
                processed: true
            })
        );
    }

    #[test]
    fn doubling_past_i32_max_is_an_overflow_error_not_a_panic() {
        let error = Component1::new().process(i32::MAX).unwrap_err();
        assert!(error.to_string().starts_with("overflow"), "{error}");
        assert!(Component1::new().process(i32::MIN).is_err());
        assert!(Component1::new().process(i32::MAX / 2).is_ok());
    }
}
