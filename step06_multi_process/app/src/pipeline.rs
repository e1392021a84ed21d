//! The contract the app needs, and the pipeline that uses it.
//!
//! Only the app implements the contract now (`child.rs`), so it moved here from step 05's `traits`
//! crate. `process` and `transform` return a `Result`: a call can fail for reasons outside the code
//! (the service died, hung, or answered garbage). `validate` and `analyze` stay in the app.

use std::io::{self, Write};

use common::{ProcessResult, TransformResult};

use crate::supervisor::CallError;

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    fn process(&self, value: i32) -> Result<ProcessResult, CallError>;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(&self, value: i32) -> Result<TransformResult, CallError>;
    fn analyze(&self, data: &TransformResult) -> String;
}

/// Why the pipeline stopped.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Call(#[from] CallError),
    #[error("cannot write the output: {0}")]
    Output(#[from] io::Error),
}

/// Step 04's pipeline, with `?` after each call across the boundary. It writes to the `out` it is
/// given: stdout for one run, a sink for `--repeat`, so the measured loop runs this very code.
pub fn run_pipeline(
    processor: &dyn Processor,
    transformer: &dyn Transformer,
    input: i32,
    out: &mut dyn Write,
) -> Result<(), PipelineError> {
    writeln!(out, "\n--- Processing Pipeline ---")?;

    writeln!(out, "Input value: {}", input)?;

    let data1 = processor.process(input)?;
    let is_valid = processor.validate(&data1);
    writeln!(out, "Component1 result: {:?}, Valid: {}", data1, is_valid)?;

    let data2 = transformer.transform(data1.value)?;
    let analysis = transformer.analyze(&data2);
    writeln!(out, "Component2 result: {:?}", data2)?;
    writeln!(out, "{}", analysis)?;
    Ok(())
}
