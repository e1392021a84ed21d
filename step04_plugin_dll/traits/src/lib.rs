//! The contracts between the app and its components.
//!
//! The app decides what it wants to call (`process`, `validate`, `transform`, `analyze`); the
//! components implement these traits to fit in. Everyone depends on this crate and nobody depends
//! on anybody else: that is the dependency inversion principle. No business logic lives here, only
//! trait signatures and the data types they exchange.

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

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    fn process(&self, value: i32) -> ProcessResult;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(&self, value: i32) -> TransformResult;
    fn analyze(&self, data: &TransformResult) -> String;
}
