//! The traits the pipeline runs on (its contract with the components), and the pipeline.
//!
//! Step 04's `traits` crate and `run_pipeline`, moved into the app, with two changes:
//! - A call can now fail, and the failure must reach the app as a value, so `process` and
//!   `transform` return a `Result`.
//! - `validate` and `analyze` are plain functions here: they only read a result the app already
//!   holds, so calling across the boundary for them would cost a call and buy nothing.
//!
//! The components no longer implement these traits: they are not built into one program with the
//! app any more, so the app's own type that reaches them does. Nothing here knows how it reaches
//! them.

use std::time::Duration;

/// What the processor (component1) makes of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessResult {
    pub value: i32,
    pub processed: bool,
}

/// What the transformer (component2) makes of the processor's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformResult {
    pub original: i32,
    pub transformed: String,
}

/// The first stage: component1, wherever it runs.
pub trait Processor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError>;
}

/// The second stage: component2, wherever it runs.
pub trait Transformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError>;
}

/// Why a stage gave no result. `component` names who was asked. `thiserror` writes the one line
/// a human reads from each `#[error(..)]` (`main` prints it after `error: `), and makes this an
/// error type, which `?` can turn into the `Box<dyn Error>` of `main.rs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The component was reached and refused the request: for example, the value overflows.
    #[error("{component} rejected the input: {reason}")]
    Rejected { component: String, reason: String },
    /// No answer came in time. Never returned for a plugin: a call inside the app's own process
    /// runs to its end. A component in another process can hang. `{waited:?}` prints, say, `5s`.
    #[error("{component} did not answer within {waited:?}")]
    TimedOut { component: String, waited: Duration },
    /// The call could not be made, or what came back was not an answer.
    #[error("cannot call {component}: {reason}")]
    Unavailable { component: String, reason: String },
}

/// The check component1 made of its result in step 04, now made here, in the app.
pub fn validate(data: &ProcessResult) -> bool {
    data.processed && data.value >= 0
}

/// The description component2 wrote in step 04, likewise.
pub fn analyze(data: &TransformResult) -> String {
    format!("Analysis: {} maps to {}", data.original, data.transformed)
}

/// Step 04's pipeline, with `?` after each call across the boundary: the first failure stops
/// the pipeline and goes back to `main`, which prints it.
pub fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
) -> Result<(), CallError> {
    println!("\n--- Processing Pipeline ---");
    println!("Input value: {}", input);

    let data1 = processor.process(input)?;
    let is_valid = validate(&data1);
    println!("Component1 result: {:?}, Valid: {}", data1, is_valid);

    let data2 = transformer.transform(data1.value)?;
    let analysis = analyze(&data2);
    println!("Component2 result: {:?}", data2);
    println!("{}", analysis);
    Ok(())
}
