//! The contracts between the app and its components.
//!
//! The app decides what it wants to call (`process`, `validate`, `transform`, `analyze`); the
//! components implement these traits to fit in. Everyone depends on this crate and nobody depends
//! on anybody else: that is the dependency inversion principle. No business logic lives here, only
//! trait signatures and the data types they exchange.
//!
//! What changed in step 05: every call returns a `Result`. Until step 04 a call was a plain
//! function call that could only panic, and a panic took the whole program down. Now the component
//! sits in a library loaded at run time, built separately from the app: it can refuse an input (a
//! value whose doubling overflows `i32`) or panic, and the app must hear about both as values it
//! can report. Failure is part of the contract, so it is in the signatures.
//!
//! These Rust types never cross the plugin boundary themselves: the plugin and the app each have
//! their own copy, and `plugin_interface` carries the data between them in C-shaped types.

use std::fmt;

/// What a processor hands back: the processed value and whether processing happened.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What a transformer hands back: the value it was given and its text form.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// Why a call through the contract did not produce a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentError {
    /// Doubling `value` does not fit in an `i32`.
    Overflow { value: i32 },
    /// The component answered with an error; `reason` is its message.
    Rejected { component: String, reason: String },
    /// The component panicked. The panic was caught where it happened and reported as this value.
    Panicked { component: String, reason: String },
}

// The `Display` and `Error` impls are written by hand, to show what the `thiserror` crate writes
// from `#[derive(thiserror::Error)]` and one `#[error("...")]` line per variant (steps 06-08 use
// it). A dependency here is also one every plugin must build before its own code.
impl fmt::Display for ComponentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (min, max) = (i32::MIN / 2, i32::MAX / 2);
        match self {
            Self::Overflow { value } => write!(
                f,
                "overflow: {value} * 2 does not fit in an i32 (inputs from {min} to {max} work)"
            ),
            Self::Rejected { component, reason } => {
                write!(f, "{component} rejected the call: {reason}")
            }
            Self::Panicked { component, reason } => write!(f, "{component} panicked: {reason}"),
        }
    }
}

impl std::error::Error for ComponentError {}

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    fn process(&self, value: i32) -> Result<ProcessResult, ComponentError>;
    fn validate(&self, data: &ProcessResult) -> Result<bool, ComponentError>;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(&self, value: i32) -> Result<TransformResult, ComponentError>;
    fn analyze(&self, data: &TransformResult) -> Result<String, ComponentError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_message_says_overflow_and_names_the_value() {
        let message = ComponentError::Overflow { value: i32::MAX }.to_string();
        assert!(message.starts_with("overflow: 2147483647 * 2"), "{message}");
        assert!(message.contains("-1073741824 to 1073741823"), "{message}");
    }
}
