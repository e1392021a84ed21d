//! The contracts between the app and its components.
//!
//! The app decides what it wants to call (`process`, `validate`, `transform`, `analyze`); the
//! components implement these traits to fit in. Everyone depends on this crate and nobody depends
//! on anybody else: that is the dependency inversion principle. No business logic lives here, only
//! trait signatures and the data types they exchange.
//!
//! What changed in step 06: every call returns a `Result`. In steps 03 and 04 a call was a plain
//! function call that could not fail (it could only panic). Now the component behind the trait
//! may be another process: it can die, hang or answer garbage, and it can refuse an input (a value
//! whose doubling overflows `i32`). Failure is part of the contract, so it is in the signatures,
//! and [`ComponentError`] says which kind of failure happened.

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
///
/// The two families matter to a caller: the component *answered* and said no (`Overflow`,
/// `Rejected`: asking again gives the same answer), or the component *could not answer*
/// (`Unavailable`: the process behind it died, hung or garbled its reply, and whoever owns that
/// process has already tried restarting it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentError {
    /// Doubling `value` does not fit in an `i32`.
    Overflow { value: i32 },
    /// The component refused the request for another reason, given in `reason`.
    Rejected { component: String, reason: String },
    /// The component could not be reached or gave no usable answer.
    Unavailable { component: String, reason: String },
}

impl fmt::Display for ComponentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComponentError::Overflow { value } => write!(
                f,
                "overflow: {value} * 2 does not fit in an i32 (inputs from {} to {} work)",
                i32::MIN / 2,
                i32::MAX / 2
            ),
            ComponentError::Rejected { component, reason } => {
                write!(f, "{component} rejected the request: {reason}")
            }
            ComponentError::Unavailable { component, reason } => {
                write!(f, "{component} is unavailable: {reason}")
            }
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
