//! The contract the app needs, and the pipeline that uses it.
//!
//! This is step 03's contract after a trip across the network. Compare:
//!
//! ```text
//! step 03: fn process(&self, value: i32) -> ProcessResult;
//! step 07: fn process(&self, value: i32, request_id: &str)
//!              -> impl Future<Output = Result<ProcessResult, CallError>> + Send;
//! ```
//!
//! - **async**: a call now waits on a socket; while it waits, the thread can run other pipelines
//!   (that is what `--concurrency` uses).
//! - **fallible**: a service can be down, slow, or answer an error. `Result` makes every caller
//!   say what happens then; the compiler will not let one forget.
//! - **a request id**: one pipeline now runs in three processes, and the id is what joins their
//!   three logs.
//!
//! `validate` and `analyze` did not change: they only read a result the app already holds, so
//! they stay local, synchronous and infallible. Asking a service to check its own answer would
//! cost a round trip and prove nothing; the app checking what came over the wire is the check
//! that matters.

use std::future::Future;

use common::{ProcessResult, TransformResult};

use crate::http::CallError;

/// First stage of the pipeline: turns the input into a [`ProcessResult`] and checks it.
pub trait Processor {
    fn process(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<ProcessResult, CallError>> + Send;
    fn validate(&self, data: &ProcessResult) -> bool;
}

/// Second stage of the pipeline: turns a value into a [`TransformResult`] and describes it.
pub trait Transformer {
    fn transform(
        &self,
        value: i32,
        request_id: &str,
    ) -> impl Future<Output = Result<TransformResult, CallError>> + Send;
    fn analyze(&self, data: &TransformResult) -> String;
}

/// What one pipeline found, for `main` to print.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineReport {
    pub input: i32,
    pub data1: ProcessResult,
    pub is_valid: bool,
    pub data2: TransformResult,
    pub analysis: String,
}

/// Step 03's pipeline, with `.await?` after each remote call.
///
/// Two more changes, both forced by the lesson: it takes `&impl Processor` instead of
/// `&dyn Processor`, because a trait whose methods return `impl Future` cannot be a `dyn` object
/// (the `async-trait` crate would box every future to allow it; the app knows its types at compile
/// time, so it does not need to); and it returns what it found instead of printing it, because
/// with `--concurrency 8` eight pipelines printing at once would interleave their lines.
pub async fn run_pipeline(
    processor: &impl Processor,
    transformer: &impl Transformer,
    input: i32,
    request_id: &str,
) -> Result<PipelineReport, CallError> {
    let data1 = processor.process(input, request_id).await?;
    let is_valid = processor.validate(&data1);

    let data2 = transformer.transform(data1.value, request_id).await?;
    let analysis = transformer.analyze(&data2);

    Ok(PipelineReport {
        input,
        data1,
        is_valid,
        data2,
        analysis,
    })
}

impl PipelineReport {
    /// The lines steps 03 to 05 printed from inside `run_pipeline`.
    pub fn print(&self) {
        println!("\n--- Processing Pipeline ---");
        println!("Input value: {}", self.input);
        println!(
            "Component1 result: {:?}, Valid: {}",
            self.data1, self.is_valid
        );
        println!("Component2 result: {:?}", self.data2);
        println!("{}", self.analysis);
    }
}
