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
///
/// `thiserror` writes the `Display` and `Error` impls from the `#[error(...)]` lines: what used
/// to be a `match` with one `write!` per variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComponentError {
    /// Doubling `value` does not fit in an `i32`.
    #[error("overflow: {value} * 2 does not fit in an i32 (inputs from {} to {} work)",
            i32::MIN / 2, i32::MAX / 2)]
    Overflow { value: i32 },
    /// The component answered with an error; `reason` is its message.
    #[error("{component} rejected the call: {reason}")]
    Rejected { component: String, reason: String },
    /// The component panicked. The panic was caught where it happened and reported as this value.
    #[error("{component} panicked: {reason}")]
    Panicked { component: String, reason: String },
}

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
